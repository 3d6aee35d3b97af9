//! Outputs below the run level: each run's metric series (series.csv) and its campaigns and
//! jurisdictions (campaigns.csv, jurisdictions.csv), for `ttx batch --series` and `--entities`,
//! and the same as arrays in `ttx run --json`.
//!
//! Each run's lines are made on the thread that ran it and put in a scratch file as runs
//! finish; the finished files hold them in (point, run) order, so their bytes do not depend on
//! the thread count, the order runs finished in, or the shards a batch was split into.
//! docs/batch.md lists the columns.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use ttx_engine::metrics::SeriesPoint;
use ttx_engine::model::registry::ActorKind;
use ttx_engine::{EventKind, Sim};

use super::{BatchError, MergeError};

/// How a series column reads its value from a series point.
pub type SeriesGet = fn(&SeriesPoint) -> Option<f64>;

/// The metric series columns: every metric the engine keeps over time, by its runs.csv name
/// (`messages` is the sum of the per-channel counts).
pub const SERIES_METRICS: &[(&str, SeriesGet)] = &[
    ("warned_before_targeted", |p| p.warned_before_targeted),
    ("time_to_share_h_p50", |p| p.time_to_share_h_p50),
    ("alert_reach_h_p50", |p| p.alert_reach_h_p50),
    ("blocked_by_shared_indicator", |p| Some(p.blocked_by_shared_indicator as f64)),
    ("dwell_time_h_p50", |p| p.dwell_time_h_p50),
    ("confidence", |p| Some(p.confidence)),
    ("intrusions_attempted", |p| Some(p.intrusions_attempted as f64)),
    ("intrusions_succeeded", |p| Some(p.intrusions_succeeded as f64)),
    ("voters_affected", |p| Some(p.voters_affected as f64)),
    ("messages", |p| Some(p.messages as f64)),
];

/// The header of series.csv.
pub fn series_header() -> String {
    let mut h = String::from("point,run,time_h,time");
    for (name, _) in SERIES_METRICS {
        h.push(',');
        h.push_str(name);
    }
    h.push('\n');
    h
}

/// The columns of campaigns.csv after point and run.
pub const CAMPAIGN_COLUMNS: &[&str] = &[
    "campaign",
    "adversary",
    "started_h",
    "attempts",
    "targets",
    "warned_targets",
    "compromises",
    "detected_h",
    "shared_h",
    "alerted_h",
];

/// The columns of jurisdictions.csv after point and run.
pub const JURISDICTION_COLUMNS: &[&str] = &[
    "jurisdiction",
    "state",
    "kind",
    "targeted_h",
    "targeted_by",
    "warned_before_targeted",
    "warned_h",
    "warned_indicator",
    "warned_campaign",
    "warned_channel",
    "compromises",
    "compromised_h",
    "detected_h",
    "dwell_h",
    "dwell_censored",
];

fn header(columns: &[&str]) -> String {
    format!("point,run,{}\n", columns.join(","))
}

/// One campaign of a run. Times are hours from Election Day 00:00 (negative before it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignRow {
    /// The campaign's id.
    pub campaign: String,
    /// Its adversary's id.
    pub adversary: String,
    /// When it began.
    pub started_h: Option<i64>,
    /// Access attempts it made.
    pub attempts: u64,
    /// Jurisdictions (local and state offices) it made an attempt on: the targets it reached.
    pub targets: u64,
    /// Of those, held a matching indicator at the campaign's first attempt on them.
    pub warned_targets: u64,
    /// Footholds it gained.
    pub compromises: u64,
    /// When it was first detected.
    pub detected_h: Option<i64>,
    /// When an indicator of it was first sent on any channel.
    pub shared_h: Option<i64>,
    /// When an indicator of it was first sent by the EI-ISAC to its members.
    pub alerted_h: Option<i64>,
}

/// One jurisdiction (local jurisdiction or state election office) of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JurisdictionRow {
    /// The actor's id.
    pub jurisdiction: String,
    /// Its state's postal code.
    pub state: Option<String>,
    /// `local` or `state_office`.
    pub kind: &'static str,
    /// When an asset of it first met an access attempt.
    pub targeted_h: Option<i64>,
    /// The campaign of that attempt.
    pub targeted_by: Option<String>,
    /// Whether it held a matching indicator at that attempt (the run's `warned_before_targeted`
    /// counts these).
    pub warned_before_targeted: Option<bool>,
    /// When it first received an indicator (from anyone, on any channel or by an inject).
    pub warned_h: Option<i64>,
    /// That indicator, `IND-nnnn`.
    pub warned_indicator: Option<String>,
    /// The campaign the indicator reveals.
    pub warned_campaign: Option<String>,
    /// The channel it came on (`inject` when handed over by an inject).
    pub warned_channel: Option<String>,
    /// Footholds gained on its assets.
    pub compromises: u64,
    /// When the first was gained.
    pub compromised_h: Option<i64>,
    /// When that first compromise was detected.
    pub detected_h: Option<i64>,
    /// Hours from the first compromise to its detection, or, when it was never detected, to
    /// when it ended or to the end of the run (then `dwell_censored`).
    pub dwell_h: Option<i64>,
    /// The first compromise was never detected, so `dwell_h` is a lower bound.
    pub dwell_censored: Option<bool>,
}

/// A series point as `ttx run --json` writes it.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesRow {
    /// Hours from Election Day 00:00 (the point's `time` is the same as text, `E-12d 23:00`).
    pub time_h: i64,
    #[serde(flatten)]
    point: SeriesPoint,
}

/// A run's series, for `ttx run --json`.
pub fn series_rows(sim: &Sim) -> Vec<SeriesRow> {
    sim.series().iter().map(|p| SeriesRow { time_h: p.time.0, point: p.clone() }).collect()
}

/// The metrics of a run as one JSON object, then its series, campaigns and jurisdictions as
/// arrays: what `ttx run --json` prints (docs/batch.md).
pub fn run_json(m: &ttx_engine::Metrics, sim: &Sim) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct RunJson<'a> {
        #[serde(flatten)]
        metrics: &'a ttx_engine::Metrics,
        series: Vec<SeriesRow>,
        campaigns: Vec<CampaignRow>,
        jurisdictions: Vec<JurisdictionRow>,
    }
    let (campaigns, jurisdictions) = entities(sim);
    serde_json::to_string(&RunJson { metrics: m, series: series_rows(sim), campaigns, jurisdictions })
}

/// A row per campaign and per jurisdiction (local office or state office, in the registry's
/// order) with nothing yet recorded, and each actor's jurisdiction row.
fn blank_rows(
    reg: &ttx_engine::model::registry::Registry,
) -> (Vec<CampaignRow>, Vec<JurisdictionRow>, Vec<Option<usize>>) {
    let camps: Vec<CampaignRow> = reg
        .campaigns
        .iter()
        .map(|c| CampaignRow {
            campaign: c.id().to_string(),
            adversary: reg.adversaries[c.adversary.ix()].id.clone(),
            started_h: None,
            attempts: 0,
            targets: 0,
            warned_targets: 0,
            compromises: 0,
            detected_h: None,
            shared_h: None,
            alerted_h: None,
        })
        .collect();
    // Jurisdictions in the registry's order, by actor index.
    let mut row_of: Vec<Option<usize>> = vec![None; reg.actors.len()];
    let mut juris: Vec<JurisdictionRow> = Vec::new();
    for (i, a) in reg.actors.iter().enumerate() {
        let kind = match a.kind {
            ActorKind::Local => "local",
            ActorKind::StateOffice => "state_office",
            _ => continue,
        };
        row_of[i] = Some(juris.len());
        juris.push(JurisdictionRow {
            jurisdiction: a.id.clone(),
            state: a.state.map(|s| reg.states[s.ix()].postal.clone()),
            kind,
            targeted_h: None,
            targeted_by: None,
            warned_before_targeted: None,
            warned_h: None,
            warned_indicator: None,
            warned_campaign: None,
            warned_channel: None,
            compromises: 0,
            compromised_h: None,
            detected_h: None,
            dwell_h: None,
            dwell_censored: None,
        });
    }
    (camps, juris, row_of)
}

/// The campaigns and jurisdictions of a finished (or stopped) run.
pub fn entities(sim: &Sim) -> (Vec<CampaignRow>, Vec<JurisdictionRow>) {
    let reg = sim.registry();
    let at = |t: ttx_engine::Tick| reg.clock.at(t).0;
    let indicators = sim.indicators();
    let is_jurisdiction = |a: ttx_engine::model::registry::ActorIx| {
        matches!(reg.actor(a).kind, ActorKind::Local | ActorKind::StateOffice)
    };
    let (mut camps, mut juris, row_of) = blank_rows(reg);
    // (campaign, jurisdiction) pairs already attempted.
    let mut reached: std::collections::BTreeSet<(usize, usize)> = std::collections::BTreeSet::new();
    for e in sim.events() {
        let h = at(e.tick);
        match &e.kind {
            EventKind::CampaignStarted { campaign } => {
                camps[campaign.ix()].started_h.get_or_insert(h);
            }
            EventKind::Attempt { campaign, asset, warned, .. } => {
                let c = &mut camps[campaign.ix()];
                c.attempts += 1;
                let owner = reg.asset(*asset).owner;
                if is_jurisdiction(owner)
                    && let Some(j) = row_of[owner.ix()]
                {
                    if reached.insert((campaign.ix(), j)) {
                        c.targets += 1;
                        c.warned_targets += u64::from(*warned);
                    }
                    let r = &mut juris[j];
                    if r.targeted_h.is_none() {
                        r.targeted_h = Some(h);
                        r.targeted_by = Some(reg.campaign(*campaign).id().to_string());
                        r.warned_before_targeted = Some(*warned);
                    }
                }
            }
            EventKind::Detected { campaign, .. } => {
                camps[campaign.ix()].detected_h.get_or_insert(h);
            }
            EventKind::Shared { indicator, channel, .. } => {
                if let Some(ind) = indicators.get(indicator.ix()) {
                    let c = &mut camps[ind.campaign.ix()];
                    c.shared_h.get_or_insert(h);
                    if *channel == ttx_engine::Channel::IsacToMembers {
                        c.alerted_h.get_or_insert(h);
                    }
                }
            }
            EventKind::Received { to, indicator, channel, .. } => {
                if let Some(j) = row_of[to.ix()]
                    && juris[j].warned_h.is_none()
                {
                    let r = &mut juris[j];
                    r.warned_h = Some(h);
                    r.warned_indicator = Some(format!("IND-{:04}", indicator.0));
                    r.warned_campaign =
                        indicators.get(indicator.ix()).map(|ind| reg.campaign(ind.campaign).id().to_string());
                    r.warned_channel = Some(channel.map_or("inject", |c| c.slug()).to_string());
                }
            }
            _ => {}
        }
    }
    let end = sim.now();
    for x in sim.compromises() {
        if let Some(c) = reg.campaigns.iter().position(|c| c.id() == x.campaign) {
            camps[c].compromises += 1;
        }
        let Some(&Some(j)) = reg.actor_by_id.get(&x.owner).map(|a| &row_of[a.ix()]) else { continue };
        let r = &mut juris[j];
        r.compromises += 1;
        if r.compromised_h.is_none() {
            r.compromised_h = Some(at(x.at));
            let (until, seen) = match (x.detected, x.ended) {
                (Some(d), _) => (d, true),
                (None, Some((t, _))) => (t, false),
                (None, None) => (end, false),
            };
            r.detected_h = x.detected.map(at);
            r.dwell_h = Some(i64::from(until.0.saturating_sub(x.at.0)));
            r.dwell_censored = Some(!seen);
        }
    }
    (camps, juris)
}

/// A run's lines for the batch files (without headers), each starting with the point and run.
#[derive(Clone, Debug, Default)]
pub struct Detail {
    /// series.csv lines.
    pub series: String,
    /// campaigns.csv lines.
    pub campaigns: String,
    /// jurisdictions.csv lines.
    pub jurisdictions: String,
}

fn num(out: &mut String, x: Option<f64>) {
    if let Some(v) = x {
        // Rust's shortest round-trip form, as in runs.csv.
        let _ = write!(out, "{v}");
    }
}

fn int(out: &mut String, x: Option<i64>) {
    if let Some(v) = x {
        let _ = write!(out, "{v}");
    }
}

fn flag(out: &mut String, x: Option<bool>) {
    if let Some(b) = x {
        out.push(if b { '1' } else { '0' });
    }
}

/// Ids are letters, digits, `_`, `-` and `.` (the scenario checks them); anything else is quoted.
fn text(out: &mut String, x: Option<&str>) {
    if let Some(s) = x {
        if s.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
}

/// Makes one run's lines: its series when `series`, its campaigns and jurisdictions when `entities`.
pub fn detail(sim: &Sim, point: u32, run: u32, series: bool, entities_too: bool) -> Detail {
    let mut d = Detail::default();
    if series {
        for p in sim.series() {
            let _ = write!(d.series, "{point},{run},{},{}", p.time.0, p.time);
            for (_, get) in SERIES_METRICS {
                d.series.push(',');
                num(&mut d.series, get(p));
            }
            d.series.push('\n');
        }
    }
    if entities_too {
        let (camps, juris) = entities(sim);
        let s = &mut d.campaigns;
        for c in &camps {
            let _ = write!(s, "{point},{run},");
            text(s, Some(&c.campaign));
            s.push(',');
            text(s, Some(&c.adversary));
            s.push(',');
            int(s, c.started_h);
            let _ = write!(s, ",{},{},{},{},", c.attempts, c.targets, c.warned_targets, c.compromises);
            int(s, c.detected_h);
            s.push(',');
            int(s, c.shared_h);
            s.push(',');
            int(s, c.alerted_h);
            s.push('\n');
        }
        let s = &mut d.jurisdictions;
        for j in &juris {
            let _ = write!(s, "{point},{run},");
            text(s, Some(&j.jurisdiction));
            s.push(',');
            text(s, j.state.as_deref());
            let _ = write!(s, ",{},", j.kind);
            int(s, j.targeted_h);
            s.push(',');
            text(s, j.targeted_by.as_deref());
            s.push(',');
            flag(s, j.warned_before_targeted);
            s.push(',');
            int(s, j.warned_h);
            s.push(',');
            text(s, j.warned_indicator.as_deref());
            s.push(',');
            text(s, j.warned_campaign.as_deref());
            s.push(',');
            text(s, j.warned_channel.as_deref());
            let _ = write!(s, ",{},", j.compromises);
            int(s, j.compromised_h);
            s.push(',');
            int(s, j.detected_h);
            s.push(',');
            int(s, j.dwell_h);
            s.push(',');
            flag(s, j.dwell_censored);
            s.push('\n');
        }
    }
    d
}

/// The detail files a batch writes, by name, with their headers.
fn files(series: bool, entities: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if series {
        out.push(("series.csv", series_header()));
    }
    if entities {
        out.push(("campaigns.csv", header(CAMPAIGN_COLUMNS)));
        out.push(("jurisdictions.csv", header(JURISDICTION_COLUMNS)));
    }
    out
}

/// A run's (point, run) and where its lines are in each scratch file: (offset, length).
type RunSpans = ((u32, u32), Vec<(u64, u64)>);

/// Collects runs' lines in scratch files as they finish, and writes the finished files in
/// (point, run) order.
pub struct DetailSink {
    dir: PathBuf,
    /// (file name, header, scratch path, scratch file).
    parts: Vec<(&'static str, String, PathBuf, File)>,
    /// Per run: (point, run) and each part's (offset, length).
    index: Vec<RunSpans>,
    offsets: Vec<u64>,
}

impl DetailSink {
    /// Starts the scratch files in `dir` (none when neither output is asked for).
    pub fn start(dir: &Path, series: bool, entities: bool) -> Result<Option<DetailSink>, BatchError> {
        let wanted = files(series, entities);
        if wanted.is_empty() {
            return Ok(None);
        }
        let mut parts = Vec::new();
        for (name, head) in wanted {
            let path = dir.join(format!(".{name}.part"));
            let file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&path)
                .map_err(BatchError::write(&path))?;
            parts.push((name, head, path, file));
        }
        let n = parts.len();
        Ok(Some(DetailSink { dir: dir.to_path_buf(), parts, index: Vec::new(), offsets: vec![0; n] }))
    }

    /// Keeps one finished run's lines.
    pub fn add(&mut self, point: u32, run: u32, d: &Detail) -> Result<(), BatchError> {
        let mut spans = Vec::with_capacity(self.parts.len());
        for (i, (name, _, path, file)) in self.parts.iter_mut().enumerate() {
            let bytes = match *name {
                "series.csv" => d.series.as_bytes(),
                "campaigns.csv" => d.campaigns.as_bytes(),
                _ => d.jurisdictions.as_bytes(),
            };
            file.write_all(bytes).map_err(BatchError::write(path))?;
            spans.push((self.offsets[i], bytes.len() as u64));
            self.offsets[i] += bytes.len() as u64;
        }
        self.index.push(((point, run), spans));
        Ok(())
    }

    /// Writes the finished files, runs in (point, run) order, and removes the scratch files.
    pub fn finish(mut self) -> Result<Vec<&'static str>, BatchError> {
        self.index.sort_by_key(|(k, _)| *k);
        self.index.dedup_by_key(|(k, _)| *k);
        let mut names = Vec::new();
        for (i, (name, head, part, file)) in self.parts.iter_mut().enumerate() {
            let path = self.dir.join(*name);
            let index = &self.index;
            crate::fsio::write_atomic_with(&path, |out| {
                let mut w = std::io::BufWriter::with_capacity(1 << 20, out);
                w.write_all(head.as_bytes())?;
                let mut buf = Vec::new();
                for (_, spans) in index {
                    let (off, len) = spans[i];
                    buf.resize(len as usize, 0);
                    file.seek(SeekFrom::Start(off))?;
                    file.read_exact(&mut buf)?;
                    w.write_all(&buf)?;
                }
                w.flush()
            })
            .map_err(BatchError::write(&path))?;
            let _ = std::fs::remove_file(&*part);
            names.push(*name);
        }
        Ok(names)
    }
}

/// Joins the detail files of a batch's shards into one, runs in (point, run) order.
pub fn merge(dirs: &[PathBuf], out: &Path, series: bool, entities: bool) -> Result<(), BatchError> {
    for (name, head) in files(series, entities) {
        let mut lines: Vec<((u32, u32), usize, String)> = Vec::new();
        for d in dirs {
            let path = d.join(name);
            let series = name == "series.csv";
            let text = std::fs::read_to_string(&path).map_err(|source| MergeError::DetailUnreadable {
                path: path.clone(),
                series,
                source,
            })?;
            let mut it = text.split_inclusive('\n');
            if it.next() != Some(head.as_str()) {
                return Err(MergeError::DetailColumns { path }.into());
            }
            for line in it {
                let mut f = line.splitn(3, ',');
                let key = match (f.next().and_then(|p| p.parse().ok()), f.next().and_then(|r| r.parse().ok()))
                {
                    (Some(p), Some(r)) => (p, r),
                    _ => return Err(MergeError::DetailLine { path }.into()),
                };
                lines.push((key, lines.len(), line.to_string()));
            }
        }
        // Stable: a run's lines keep their order.
        lines.sort_by_key(|(k, i, _)| (*k, *i));
        let path = out.join(name);
        crate::fsio::write_atomic_with(&path, |f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            w.write_all(head.as_bytes())?;
            for (_, _, l) in &lines {
                w.write_all(l.as_bytes())?;
            }
            w.flush()
        })
        .map_err(BatchError::write(&path))?;
    }
    Ok(())
}

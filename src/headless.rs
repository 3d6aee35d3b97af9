//! The headless commands: `scenarios`, `validate`, `run`, `replay`.

use std::io::Write;
use std::path::{Path, PathBuf};

use ttx::numfmt::thousands;
use ttx_engine::journal::{self, JournalWriter, Record};
use ttx_engine::{Metrics, Scenario, Sim, SimOptions, builtin};

use crate::{Failure, Outcome, load};

/// `ttx scenarios`
pub fn scenarios() -> Outcome {
    let mut out = crate::output::stdout();
    writeln!(out, "Built-in scenarios (use the name, or the path, with run, play, serve, batch):")?;
    for (i, b) in builtin::BUILTINS.iter().chain(builtin::RESEARCH).enumerate() {
        let s = builtin::load(b).map_err(|d| Failure::runtime(d.to_string()))?;
        let reg = s.registry();
        let locals =
            reg.actors.iter().filter(|a| a.kind == ttx_engine::model::registry::ActorKind::Local).count();
        writeln!(
            out,
            "  {:<22} {}{}\n  {:<22} {} states, {} jurisdictions, {} campaigns, {} injects, {} to {}",
            b.name,
            b.summary,
            if i == 0 { " (default)" } else { "" },
            "",
            reg.states.len(),
            locals,
            reg.campaigns.len(),
            reg.injects.len(),
            reg.clock.start,
            reg.clock.end,
        )?;
    }
    Ok(())
}

/// How `ttx validate` prints what it finds.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ValidateFormat {
    /// For people: `file:line:col: error: ...` with the line and a caret, on standard error.
    #[default]
    Text,
    /// For editors and CI: one JSON object on standard output (docs/scenarios.md).
    Json,
}

/// One diagnostic of `ttx validate --format json`.
#[derive(serde::Serialize)]
struct JsonDiagnostic {
    file: String,
    line: usize,
    column: usize,
    /// Characters marked from `column` on the same line.
    width: usize,
    severity: &'static str,
    message: String,
    help: Option<String>,
    /// The path of the value at fault (`teams[2].controls[0]`), when known.
    path: Option<String>,
    related: Option<JsonRelated>,
}

#[derive(serde::Serialize)]
struct JsonRelated {
    line: usize,
    column: usize,
    message: String,
}

#[derive(serde::Serialize)]
struct JsonReport {
    files: usize,
    failed: usize,
    errors: usize,
    warnings: usize,
    /// Diagnostics found but not listed (past the first 50 of a file).
    omitted: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

fn json_items(d: &ttx_engine::Diagnostics, severity: &'static str, out: &mut Vec<JsonDiagnostic>) {
    for i in &d.items {
        out.push(JsonDiagnostic {
            file: d.file.clone(),
            line: i.line,
            column: i.column,
            width: i.width,
            severity,
            message: i.message.clone(),
            help: i.help.clone(),
            path: i.path.clone(),
            related: i.related.as_ref().map(|r| JsonRelated {
                line: r.line,
                column: r.column,
                message: r.message.clone(),
            }),
        });
    }
}

/// `ttx validate FILE...`
pub fn validate(files: &[PathBuf], format: ValidateFormat, deny_warnings: bool) -> Outcome {
    let json = format == ValidateFormat::Json;
    let mut failed = 0;
    let mut problems = 0;
    let mut warnings = 0;
    let mut omitted = 0;
    let mut listed = Vec::new();
    let mut out = crate::output::stdout();
    for f in files {
        let loaded = match load::checked(f) {
            Ok(l) => l,
            Err(e) if json => {
                failed += 1;
                problems += 1;
                listed.push(JsonDiagnostic {
                    file: f.display().to_string(),
                    line: 1,
                    column: 1,
                    width: 1,
                    severity: "error",
                    message: e.message.lines().next().unwrap_or_default().to_string(),
                    help: e.message.lines().nth(1).map(str::to_string),
                    path: None,
                    related: None,
                });
                continue;
            }
            Err(e) => {
                failed += 1;
                problems += 1;
                let _ = writeln!(std::io::stderr(), "{}", e.message.trim_end());
                continue;
            }
        };
        match loaded {
            Ok(s) => {
                let w = s.warnings();
                warnings += w.total();
                if w.total() > 0 && deny_warnings {
                    failed += 1;
                    problems += w.total();
                }
                if json {
                    json_items(w, "warning", &mut listed);
                    omitted += w.omitted;
                    continue;
                }
                if w.total() > 0 {
                    let _ = write!(std::io::stderr(), "{}", w.items_text("warning"));
                }
                if w.total() > 0 && deny_warnings {
                    continue;
                }
                let reg = s.registry();
                let note = match w.total() {
                    0 => String::new(),
                    1 => ", 1 warning".to_string(),
                    n => format!(", {n} warnings"),
                };
                writeln!(
                    out,
                    "ok: {} \"{}\" ({} states, {} assets, {} teams, {} campaigns, {} injects{note})",
                    f.display(),
                    s.name(),
                    reg.states.len(),
                    reg.assets.len(),
                    reg.teams.len(),
                    reg.campaigns.len(),
                    reg.injects.len()
                )?;
            }
            Err(d) => {
                failed += 1;
                problems += d.total();
                if json {
                    json_items(&d, "error", &mut listed);
                    omitted += d.omitted;
                } else {
                    let _ = write!(std::io::stderr(), "{}", d.items_text("error"));
                }
            }
        }
    }
    if json {
        let report = JsonReport {
            files: files.len(),
            failed,
            errors: listed.iter().filter(|d| d.severity == "error").count(),
            warnings,
            omitted,
            diagnostics: listed,
        };
        let text = serde_json::to_string_pretty(&report).map_err(|e| Failure::runtime(e.to_string()))?;
        writeln!(out, "{text}")?;
    }
    if failed > 0 {
        return Err(Failure::input(format!(
            "{problems} problem{} in {failed} of {} file{}{}",
            if problems == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            if deny_warnings && warnings > 0 { " (warnings denied)" } else { "" }
        )));
    }
    Ok(())
}

pub use ttx::fsio::write_atomic;

/// `ttx run`
pub fn run(
    file: Option<&Path>,
    seed: u64,
    until: Option<&str>,
    journal: Option<&Path>,
    json: bool,
    sets: &[String],
    commands: Option<&Path>,
) -> Outcome {
    let scenario = load::scenario(file)?;
    // The journal embeds this scenario's own source, so it replays without the settings.
    let scenario = ttx::batch::sweep::apply_sets(&scenario, scenario.label(), sets)
        .map_err(|e| Failure::input(e.to_string()))?;
    let target = match until {
        Some(t) => load::tick(&scenario, t, "--until")?,
        None => scenario.registry().clock.last_tick(),
    };
    let policy = commands
        .map(|f| ttx::policy::Policy::load(f, &scenario))
        .transpose()
        .map_err(|e| Failure::input(e.to_string()))?;
    let options = policy.as_ref().map_or_else(SimOptions::default, ttx::policy::Policy::sim_options);
    let staffed = options.staffed.clone();
    let mut sim = Sim::with_options(&scenario, seed, options);
    sim.checkpoint_commands(true);
    match &policy {
        Some(p) => p.run_until(&mut sim, target),
        None => sim.run_until(target),
    }
    if let Some(path) = journal {
        let mut w = JournalWriter::new(Vec::new());
        // The policy's staffed teams, so that replay starts the run as it started.
        w.write(&Record::header(&scenario, seed, "run").with_staffed(&staffed))?;
        for r in sim.take_journal_records() {
            w.write(&r)?;
        }
        w.write(&Record::End { tick: sim.now().0, hash: format!("{:016x}", sim.state_hash()) })?;
        write_atomic(path, &w.into_inner()).map_err(|e| Failure::write(path, e))?;
    }
    let m = sim.metrics();
    let mut out = crate::output::stdout();
    if json {
        let text = run_json(&m, &sim)?;
        writeln!(out, "{text}")?;
    } else {
        if !sets.is_empty() {
            writeln!(out, "With --set {}\n", sets.join(" --set "))?;
        }
        if let Some(p) = &policy {
            writeln!(
                out,
                "With the policy {} ({})\n",
                p.file,
                if p.name.is_empty() { "unnamed" } else { &p.name }
            )?;
        }
        write_summary(&mut out, &scenario, &sim, &m)?;
        if let Some(p) = journal {
            writeln!(out, "\nJournal written to {}", p.display())?;
        }
    }
    Ok(())
}

/// The metrics of a run as one JSON object, then its series, campaigns and jurisdictions as
/// arrays (docs/batch.md).
fn run_json(m: &Metrics, sim: &Sim) -> Result<String, Failure> {
    ttx::batch::detail::run_json(m, sim).map_err(|e| Failure::runtime(e.to_string()))
}

fn opt_h(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.0} h"))
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// A readable metric summary.
pub fn write_summary(
    out: &mut impl Write,
    scenario: &Scenario,
    sim: &Sim,
    m: &Metrics,
) -> std::io::Result<()> {
    let reg = scenario.registry();
    let day = |d: Option<i64>| d.map_or("not delivered".to_string(), |d| format!("day {d}"));
    writeln!(
        out,
        "{}  (seed {}, {} to {}, {} of {} hours simulated)",
        scenario.name(),
        sim.seed(),
        reg.clock.start,
        sim.registry().clock.at(ttx_engine::Tick(sim.now().0.saturating_sub(1))),
        sim.now().0,
        reg.clock.ticks()
    )?;
    writeln!(out, "\nInformation sharing")?;
    writeln!(
        out,
        "  warned before targeted       {:>10}   {} of {} targeted jurisdictions held a matching indicator first",
        pct(m.warned_before_targeted),
        m.warned_jurisdictions,
        m.targeted_jurisdictions
    )?;
    writeln!(
        out,
        "  time to share (p50)          {:>10}   first detection to first EI-ISAC alert",
        opt_h(m.time_to_share_h_p50)
    )?;
    writeln!(
        out,
        "  alert reach (p50 / p90)      {:>10}   / {} from an EI-ISAC alert to each member",
        opt_h(m.alert_reach_h_p50),
        opt_h(m.alert_reach_h_p90)
    )?;
    writeln!(
        out,
        "  blocked by shared indicator  {:>10}   of {} blocked attempts",
        m.blocked_by_shared_indicator, m.intrusions_blocked
    )?;
    writeln!(out, "\nIntrusions")?;
    writeln!(
        out,
        "  attempted / succeeded / blocked  {} / {} / {}",
        m.intrusions_attempted, m.intrusions_succeeded, m.intrusions_blocked
    )?;
    writeln!(
        out,
        "  dwell time (p50 / p90)       {:>10}   / {}   Kaplan-Meier, {} of the compromises never detected",
        opt_h(m.dwell_time_h_p50),
        opt_h(m.dwell_time_h_p90),
        m.dwell_censored
    )?;
    writeln!(out, "  undetected compromises       {:>10}   still inside", m.undetected_compromises)?;
    writeln!(
        out,
        "  left unseen                  {:>10}   evicted or gone without being detected",
        m.evicted_unseen
    )?;
    writeln!(out, "\nImpact")?;
    writeln!(
        out,
        "  voters affected              {:>10}   altered {}, lost {}, delayed {}",
        thousands(m.voters_affected as i64),
        thousands(m.registrations_altered as i64),
        thousands(m.registrations_lost as i64),
        thousands(m.voters_delayed as i64),
    )?;
    writeln!(
        out,
        "  results downtime             {:>8} h   during election-night reporting",
        m.results_downtime_h
    )?;
    writeln!(
        out,
        "  public confidence            {:>10.2}   final; lowest {:.2}; started {:.2}",
        m.confidence_final, m.confidence_min, reg.spec.public.confidence
    )?;
    writeln!(out, "\nEO 13848")?;
    writeln!(
        out,
        "  assessment                   {:>10}   attribution correct: {}",
        day(m.assessment_day),
        m.attribution_correct.map_or("-", |b| if b { "yes" } else { "no" })
    )?;
    writeln!(out, "  report                       {:>10}", day(m.report_day))?;
    writeln!(out, "  sanctions decision           {:>10}", day(m.sanctions_day))?;
    let met = m.eo_deadlines_met.map_or("not reached", |b| if b { "yes" } else { "no" });
    writeln!(out, "  deadlines met                {met:>10}")?;
    writeln!(out, "\nIndicators carried by channel")?;
    for (k, v) in &m.messages_by_channel {
        if *v > 0 {
            writeln!(out, "  {k:<28} {v:>10}")?;
        }
    }
    writeln!(out, "\nState hash {:016x}", sim.state_hash())?;
    Ok(())
}

/// What a verified journal must end with: something to check, and, for the modes that always
/// close their journal (`run`, `play`), the end record last.
fn check_closing(records: &[(usize, Record)]) -> Result<(), Unclosed> {
    let checked =
        records.iter().filter(|(_, r)| matches!(r, Record::Hash { .. } | Record::End { .. })).count();
    let line = records.last().map_or(1, |(l, _)| *l);
    if checked == 0 {
        return Err(Unclosed::NothingToVerify { line });
    }
    let mode = match records.first() {
        Some((_, Record::Header { mode, .. })) => mode.as_str(),
        _ => "",
    };
    let closes = matches!(mode, "run" | "play");
    if closes && !records.last().is_some_and(|(_, r)| matches!(r, Record::End { .. })) {
        return Err(Unclosed::NoEnd { line, mode: mode.to_string() });
    }
    Ok(())
}

/// Why a journal that replays does not verify: it lacks what a whole journal ends with.
#[derive(Debug, thiserror::Error)]
enum Unclosed {
    /// No state hash and no end record: give the journal as it was written, hashes and all.
    #[error(
        "line {line}: the journal ends without a state hash or an end record, so there is nothing to verify"
    )]
    NothingToVerify {
        /// Its last line.
        line: usize,
    },
    /// A `run` or `play` journal without its end record: it was cut short or edited.
    #[error(
        "line {line}: a `{mode}` journal ends with its end record, and this one does not (cut short, or lines removed)"
    )]
    NoEnd {
        /// Its last line.
        line: usize,
        /// The mode its header names.
        mode: String,
    },
}

/// `ttx replay`
pub fn replay(path: &Path, verify: bool, json: bool) -> Outcome {
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::input(format!("cannot open {}: {e}", path.display())))?;
    let records = journal::read_records(std::io::BufReader::new(file)).map_err(|e| match e {
        // `file:line:column: ...`, as for scenarios.
        journal::ReplayError::TooDeep { .. } => Failure::input(format!("{}:{e}", path.display())),
        e => Failure::input(format!("{}: {e}", path.display())),
    })?;
    let shown = path.display();
    let report = journal::replay(&records, SimOptions::default()).map_err(|e| {
        if verify && e.is_tampering() {
            Failure::check(format!("{shown}: does not verify: {e}"))
        } else {
            Failure::input(format!("{shown}: {e}"))
        }
    })?;
    journal::check_model_version(&records).map_err(|m| Failure::input(format!("{shown}: {m}")))?;
    let mut out = crate::output::stdout();
    if let Some(d) = &report.divergence
        && verify
    {
        return Err(Failure::check(format!(
            "DIVERGED at tick {} ({}), journal line {}: the journal says the state hash is {}, the replay gives {}.\nThe run before that tick matches; the journal was changed, or was written by a different ttx version.",
            d.tick, d.time, d.line, d.expected, d.found
        )));
    }
    if verify {
        check_closing(&records).map_err(|m| Failure::check(format!("{shown}: does not verify: {m}")))?;
    }
    let m = report.sim.metrics();
    if json {
        writeln!(out, "{}", run_json(&m, &report.sim)?)?;
        return Ok(());
    }
    write_summary(&mut out, &report.scenario, &report.sim, &m)?;
    if verify {
        writeln!(
            out,
            "\nverified: {} state hashes match through tick {} ({} commands replayed, {} notes)",
            report.hashes_checked,
            report.last_tick,
            report.commands,
            report.notes.len()
        )?;
    }
    Ok(())
}

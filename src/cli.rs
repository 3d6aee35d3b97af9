//! The command line: one program, `ttx`, with subcommands.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::net::cli::{JoinArgs, ServeArgs};
use crate::{Outcome, author, headless, msel, net, play, report, research};

/// Election-cybersecurity tabletop exercises: a deterministic simulation of
/// foreign interference, information sharing and response.
#[derive(Parser, Debug)]
#[command(name = "ttx", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// List the built-in scenarios.
    Scenarios,
    /// Check scenario files; every problem is reported with file:line:column.
    Validate {
        /// Scenario files (or built-in names).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// `text` for people, `json` for editors and CI (one object with every diagnostic).
        #[arg(long, value_enum, default_value = "text")]
        format: headless::ValidateFormat,
        /// Treat warnings as errors: exit 2 when any file has one.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write a new scenario from a template, every section present and each field explained.
    New {
        /// Which exercise to start from.
        #[arg(long, value_enum, default_value = "tabletop")]
        template: author::Template,
        /// The file to write (it must not exist yet).
        file: PathBuf,
    },
    /// Print the JSON Schema of the scenario format (for editors), or with --markdown the field
    /// reference of docs/scenarios.md.
    Schema {
        /// Print the field reference in Markdown instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Run a scenario headless to its end (or --until) and print the metrics.
    Run {
        /// Scenario file or built-in name (default: the built-in tabletop_the_vote).
        file: Option<PathBuf>,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after this time, e.g. "E+1d 06:00".
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        /// Write the session journal (JSON lines) here.
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        /// Print the metrics as one JSON object.
        #[arg(long)]
        json: bool,
        /// Set a scenario parameter, as a `ttx batch --sweep` would, e.g.
        /// sharing.isac_membership=0.5; repeat for several.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Apply a scripted response policy (RON or JSON; examples/policies/, docs/batch.md).
        #[arg(long, value_name = "FILE")]
        commands: Option<PathBuf>,
    },
    /// Run an exercise in this terminal: the facilitator console.
    ///
    /// Controls the scenario clock, fires, holds and skips injects, acts for any
    /// team and takes discussion notes at module breaks. Every session writes a
    /// journal that `ttx replay --verify` checks.
    Play {
        /// Scenario file or built-in name (default: the built-in tabletop_the_vote).
        file: Option<PathBuf>,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the session journal here (default: ttx-sessions/<scenario>-<UTC time>.jsonl).
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
    },
    /// Export the Master Scenario Events List (one CSV row per inject) for the exercise binder.
    Msel {
        /// Scenario file or built-in name (default: the built-in tabletop_the_vote).
        file: Option<PathBuf>,
        /// Write the CSV here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the Situation Manual, the participants' handbook: scope, objectives and core
    /// capabilities, modules with their times and discussion questions, organisations, schedule
    /// and background; no inject and nothing of the adversary's plan.
    Sitman {
        /// Scenario file or built-in name (default: the built-in tabletop_the_vote).
        file: Option<PathBuf>,
        /// The file to write (sitman.html or sitman.md).
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// Output format (default: from the --out extension, else html).
        #[arg(long, value_enum)]
        format: Option<report::Format>,
    },
    /// Run a scenario many times, swept over its parameters, with statistics and charts.
    ///
    /// Writes runs.csv, summary.csv, summary.json and manifest.json into --out
    /// (docs/batch.md). Results do not depend on --jobs or on sharding.
    Batch {
        /// Scenario file or built-in name (with --row and an existing --out, read from its manifest).
        file: Option<PathBuf>,
        /// Runs per sweep point.
        #[arg(long)]
        runs: Option<u32>,
        /// Batch seed (default 1); each run's seed derives from it and the run's index.
        #[arg(long)]
        seed: Option<u64>,
        /// Threads (default: every core).
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// Sweep a scenario parameter, e.g. sharing.isac_membership=0.2,0.5,0.9 or a range
        /// LO:HI:STEP such as sharing.isac_membership=0.1:0.9:0.2; repeat for a grid.
        #[arg(long = "sweep", value_name = "PATH=V1,V2,...")]
        sweeps: Vec<String>,
        /// Run only shard I of N (0-based), for a cluster; join the shards with `ttx merge`.
        #[arg(long, value_name = "I/N", allow_hyphen_values = true)]
        shard: Option<String>,
        /// Draw charts into DIR/plots/, in the formats listed (svg, png, pdf; default svg),
        /// e.g. --plots svg,png.
        #[arg(long, value_name = "FORMATS", num_args = 0..=1, default_missing_value = "svg", value_parser = plot_formats)]
        plots: Option<Formats>,
        /// Complete the batch in --out if it was stopped (or start it there if there is none).
        #[arg(long)]
        resume: bool,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Run nothing: print the `ttx run` command that reproduces row N of runs.csv
        /// (counting from 0, as pandas does), from these arguments or --out's manifest.json.
        #[arg(long, value_name = "N", conflicts_with_all = ["resume", "plots", "jobs"])]
        row: Option<u64>,
        /// Apply a scripted response policy in every run (RON or JSON; examples/policies/,
        /// docs/batch.md).
        #[arg(long, value_name = "FILE")]
        commands: Option<PathBuf>,
        /// Vary a parameter between two ends, e.g. sharing.isac_membership=0.2:0.9, at the
        /// points --design places; repeat for several.
        #[arg(long = "vary", value_name = "PATH=LO:HI")]
        vary: Vec<String>,
        /// The design that places the points of --vary: lhs:N, sobol:N (Saltelli, N base rows)
        /// or morris:N (N trajectories; morris:N:L for L levels). Seeded by --seed.
        #[arg(long, value_name = "KIND:N")]
        design: Option<String>,
        /// Write series.csv: every run's metrics over time, once a simulated day or hour.
        #[arg(long, value_enum, value_name = "daily|hourly")]
        series: Option<SeriesArg>,
        /// Write campaigns.csv and jurisdictions.csv: every run's campaigns and jurisdictions.
        #[arg(long)]
        entities: bool,
        /// The tables' format: csv, or parquet for a Parquet copy of each table beside its CSV
        /// file (runs.parquet, summary.parquet, ...; docs/batch.md).
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormatArg,
    },
    /// Sensitivity indices of a batch made with --design sobol:N (Sobol first- and total-order,
    /// Jansen estimators) or morris:N (mu*, sigma), with bootstrap intervals.
    ///
    /// Writes sensitivity.csv, sensitivity.json and plots/sensitivity_<metric>.svg into DIR.
    Sensitivity {
        /// The batch directory.
        dir: PathBuf,
        /// Bootstrap resamples behind each 95% interval.
        #[arg(long, default_value_t = 1000)]
        bootstrap: usize,
        /// Seed of the bootstrap resamples.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The charts' formats: svg, png, pdf, or several, e.g. svg,pdf.
        #[arg(long, value_name = "FORMATS", default_value = "svg", value_parser = plot_formats)]
        plots: Formats,
    },
    /// Join the shards of one batch into the files a single unsharded run writes.
    Merge {
        /// The shard directories; a directory that holds no batch stands for its
        /// subdirectories that do (a cluster job's `shards/` without a shell's `shards/*`).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Draw charts into DIR/plots/, in the formats listed (svg, png, pdf; default svg).
        #[arg(long, value_name = "FORMATS", num_args = 0..=1, default_missing_value = "svg", value_parser = plot_formats)]
        plots: Option<Formats>,
        /// The tables' format: csv, or parquet for a Parquet copy of each table beside its CSV file.
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormatArg,
    },
    /// Host an exercise for team consoles on the network; prints one join code per team.
    Serve(ServeArgs),
    /// Open a team console (or the facilitator's control connection) on a served exercise.
    Join(JoinArgs),
    /// Measure tick-to-update latency with many consoles on one server.
    Loadtest {
        /// Scenario file or built-in name.
        file: Option<PathBuf>,
        /// Consoles to connect.
        #[arg(long, default_value_t = 2500)]
        consoles: usize,
        /// Ticks to measure.
        #[arg(long, default_value_t = 60)]
        ticks: u32,
        /// Simulated hours per real second.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// First run the exercise to this time (e.g. "E+0d 18:00"), where more is going on.
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// Run the consoles in N child processes, the server alone in this one (0: all in this
        /// process). By default, child processes only when one process may not open enough
        /// files for both ends (`ulimit -n`).
        #[arg(long, value_name = "N")]
        processes: Option<usize>,
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The consoles of `ttx loadtest` in a child process (started by it, with its plan on
    /// standard input).
    #[command(name = "loadtest-consoles", hide = true)]
    LoadtestConsoles,
    /// Re-simulate a journal; with --verify, check every recorded state hash.
    Replay {
        /// The journal file.
        journal: PathBuf,
        /// Check the journal's layout and every state hash; exit 1 naming the first line or tick that differs.
        #[arg(long)]
        verify: bool,
        /// Print the metrics as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Draft an after-action report: from a session journal, an HSEEP-style AAR/IP;
    /// from a batch directory, a research report. One self-contained HTML page, or Markdown.
    Report {
        /// A session journal (from `ttx play`, `ttx serve` or `ttx run --journal`), or a batch directory.
        input: PathBuf,
        /// Write the report here (default: beside the input, as NAME.aar.html or DIR/report.html).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Output format (default: from the --out extension, else html).
        #[arg(long, value_enum)]
        format: Option<report::Format>,
        /// Add the section "What the decisions changed" from `ttx whatif JOURNAL --out DIR`.
        #[arg(long, value_name = "DIR")]
        whatif: Option<PathBuf>,
    },
    /// Check the model against the historical record: run the research scenarios and print each
    /// target with the model's value, its 95% interval and the accepted band (docs/validity.md).
    ///
    /// Exits 0 when every target is in its band, 1 when any is missed.
    Calibrate {
        /// Runs of each research scenario.
        #[arg(long, default_value_t = 500)]
        runs: u32,
        /// Seed; each run's seed derives from it and the run's index, as in `ttx batch`.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Threads (default: every core). The results do not depend on it.
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Read sharing_2016.ron and sharing_2020.ron from this folder instead of the built-in
        /// copies (to check an edited research scenario).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Measure what each decision of a played session changed: pairs of continuations of the
    /// session from each command's hour to the end of the clock, with and without it, on the
    /// same random stream (docs/whatif.md).
    Whatif {
        /// A session journal (from `ttx play`, `ttx serve` or `ttx run --journal`).
        journal: PathBuf,
        /// Pairs of continuations per decision.
        #[arg(long, default_value_t = 200)]
        runs: u32,
        /// Metrics to report, comma-separated (default: every metric but message counts).
        #[arg(long, value_delimiter = ',')]
        metrics: Vec<String>,
        /// Only this command, removed: words of its line in `--list` (`"pa share IND-0003"`).
        #[arg(long, value_name = "WORDS")]
        without: Vec<String>,
        /// A command the session did not give: `"E-47d 17:00 TEAM {json command}"`.
        #[arg(long, value_name = "TIME TEAM COMMAND")]
        add: Vec<String>,
        /// Compare the whole session with what the organisations' doctrines do without players.
        #[arg(long, value_name = "doctrine")]
        baseline: Option<Baseline>,
        /// List the session's commands as --without names them, and stop.
        #[arg(long)]
        list: bool,
        /// Threads (default: every core). The results do not depend on it.
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Write whatif.csv and whatif.json here.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// How often `ttx batch --series` samples the metrics.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesArg {
    /// At 23:00 every simulated day, and at the end.
    Daily,
    /// Every simulated hour.
    Hourly,
}

/// The format of a batch's tables (`--format`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormatArg {
    /// CSV files only.
    Csv,
    /// CSV files, and a Parquet copy of each.
    Parquet,
}

impl TableFormatArg {
    fn table_format(self) -> ttx::batch::parquet::TableFormat {
        match self {
            TableFormatArg::Csv => ttx::batch::parquet::TableFormat::Csv,
            TableFormatArg::Parquet => ttx::batch::parquet::TableFormat::Parquet,
        }
    }
}

/// What `ttx whatif --baseline` compares the session with.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// The organisations' scripted doctrines, with no player or facilitator command.
    Doctrine,
}

/// The chart formats of a `--plots` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formats(pub Vec<ttx::chart::Format>);

fn plot_formats(text: &str) -> Result<Formats, ttx::chart::RenderError> {
    ttx::chart::Format::parse_list(text).map(Formats)
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> Outcome {
    match cli.command {
        Cmd::Scenarios => headless::scenarios(),
        Cmd::Validate { files, format, deny_warnings } => headless::validate(&files, format, deny_warnings),
        Cmd::New { template, file } => author::new_scenario(template, &file),
        Cmd::Schema { markdown } => author::schema(markdown),
        Cmd::Run { file, seed, until, journal, json, sets, commands } => headless::run(
            file.as_deref(),
            seed,
            until.as_deref(),
            journal.as_deref(),
            json,
            &sets,
            commands.as_deref(),
        ),
        Cmd::Replay { journal, verify, json } => headless::replay(&journal, verify, json),
        Cmd::Whatif { journal, runs, metrics, without, add, baseline, list, jobs, out } => {
            let opts = ttx::whatif::Options {
                runs,
                metrics,
                without,
                add,
                baseline_doctrine: baseline == Some(Baseline::Doctrine),
            };
            research::whatif(&journal, &opts, list, jobs, out.as_deref())
        }
        Cmd::Report { input, out, format, whatif } => {
            report::run(&input, out.as_deref(), format, whatif.as_deref())
        }
        Cmd::Play { file, seed, journal } => play::play(file.as_deref(), seed, journal.as_deref()),
        Cmd::Msel { file, out } => msel::msel(file.as_deref(), out.as_deref()),
        Cmd::Sitman { file, out, format } => report::sitman(file.as_deref(), &out, format),
        Cmd::Batch {
            file,
            runs,
            seed,
            jobs,
            sweeps,
            shard,
            plots,
            resume,
            out,
            row,
            commands,
            vary,
            design,
            series,
            entities,
            format,
        } => {
            let extras = ttx::batch::Extras {
                vary,
                design,
                series: series.map(|s| match s {
                    SeriesArg::Daily => ttx_engine::Resolution::Daily,
                    SeriesArg::Hourly => ttx_engine::Resolution::Hourly,
                }),
                entities,
                format: format.table_format(),
            };
            if let Some(n) = row {
                let batch_args = research::BatchArgs {
                    file: file.as_deref(),
                    runs,
                    seed,
                    sweeps: &sweeps,
                    shard: shard.as_deref(),
                    commands: commands.as_deref(),
                    extras: &extras,
                };
                return research::row(&batch_args, &out, n);
            }
            let (Some(file), Some(runs)) = (file, runs) else {
                return Err(crate::Failure::input(
                    "ttx batch: give the scenario and the runs per point, for example `ttx batch tabletop_the_vote --runs 100 --out results`",
                ));
            };
            let opts = ttx::batch::BatchOptions {
                scenario: file.display().to_string(),
                runs,
                seed: seed.unwrap_or(1),
                sweeps,
                shard,
                jobs,
                plots: plots.map(|f| f.0).unwrap_or_default(),
                resume,
                out,
                progress: ttx::batch::ProgressMode::Auto,
                commands,
                extras,
            };
            research::batch(&file, &opts)
        }
        Cmd::Calibrate { runs, seed, jobs, dir } => research::calibrate(runs, seed, jobs, dir.as_deref()),
        Cmd::Merge { dirs, out, plots, format } => {
            research::merge(&dirs, &out, &plots.map(|f| f.0).unwrap_or_default(), format.table_format())
        }
        Cmd::Sensitivity { dir, bootstrap, seed, plots } => {
            research::sensitivity(&dir, bootstrap, seed, &plots.0)
        }
        Cmd::Serve(args) => net::cli::serve(args),
        Cmd::Join(args) => net::cli::join(args),
        Cmd::Loadtest { file, consoles, ticks, speed, from, processes, json } => {
            net::loadtest::loadtest(file.as_deref(), consoles, ticks, speed, from.as_deref(), processes, json)
        }
        Cmd::LoadtestConsoles => net::loadtest::run_child(),
    }
}

//! `ttx join`: its flags, the join code, and which console it starts (the team console, the
//! room display, or a headless console that speaks JSON lines).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::net::client::{self, Ended, Target};
use crate::net::tls;
use crate::{Failure, Outcome};

/// What `ttx join` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct JoinArgs {
    /// The server, host:port.
    pub addr: String,
    /// Your team's id.
    #[arg(long, value_name = "ID", required_unless_present_any = ["facilitator", "observer"])]
    pub team: Option<String>,
    /// The facilitator's control connection instead of a team.
    #[arg(long, conflicts_with = "team")]
    pub facilitator: bool,
    /// A read-only room display for a projector (with the observer code `ttx serve` prints).
    #[arg(long, conflicts_with_all = ["team", "facilitator"])]
    pub observer: bool,
    /// The join code the facilitator gave you. Other users of this computer can read a command
    /// line (`ps`): prefer --code-file, the TTX_CODE environment variable, or typing it when asked.
    #[arg(long, value_name = "CODE", conflicts_with = "code_file")]
    pub code: Option<String>,
    /// Read the join code from this file (its first line).
    #[arg(long, value_name = "FILE")]
    pub code_file: Option<PathBuf>,
    /// No screen: commands as JSON lines on stdin, every update as JSON lines on stdout.
    #[arg(long)]
    pub headless: bool,
    /// Use TLS and trust this certificate (PEM), as given by the facilitator.
    #[arg(long, value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,
    /// The name in the server's certificate (default: the host in ADDR).
    #[arg(long, value_name = "NAME", requires = "tls_ca")]
    pub tls_name: Option<String>,
    /// Give up after failing to join for this many seconds in a row.
    #[arg(long, value_name = "SECS", default_value_t = client::GIVE_UP_AFTER.as_secs_f64())]
    pub give_up_after: f64,
    /// Ring the terminal bell when new messages arrive in the team's inbox.
    #[arg(long)]
    pub bell: bool,
}

/// What a joining console needs before it connects: the target from its flags and a
/// one-worker runtime for the connection.
pub fn join_setup(args: &JoinArgs) -> Result<(Target, tokio::runtime::Runtime), Failure> {
    let mut target = target(&args.addr, args.tls_ca.as_deref(), args.tls_name.as_deref())?;
    if !(args.give_up_after.is_finite() && (0.0..=1e6).contains(&args.give_up_after)) {
        return Err(Failure::input("--give-up-after: give 0 to 1000000 seconds"));
    }
    target.give_up_after = std::time::Duration::from_secs_f64(args.give_up_after);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start: {e}")))?;
    Ok((target, rt))
}

/// Builds the connection target from flags.
pub fn target(addr: &str, tls_ca: Option<&Path>, tls_name: Option<&str>) -> Result<Target, Failure> {
    let tls = match tls_ca {
        None => None,
        Some(ca) => {
            let connector = tls::connector(ca).map_err(|e| Failure::input(e.to_string()))?;
            let host = match tls_name {
                Some(n) => n.to_string(),
                None => addr.rsplit_once(':').map_or(addr, |(h, _)| h).trim_matches(['[', ']']).to_string(),
            };
            Some((connector, tls::server_name(&host).map_err(|e| Failure::input(e.to_string()))?))
        }
    };
    Ok(Target { addr: addr.to_string(), tls, give_up_after: client::GIVE_UP_AFTER, observer: false })
}

/// The environment variable `ttx join` takes a join code from.
pub const CODE_VARIABLE: &str = "TTX_CODE";

/// The join code: from --code, --code-file, the TTX_CODE variable, or typed at a prompt when
/// standard input is a terminal, in that order.
fn join_code(args: &JoinArgs, team: Option<&str>) -> Result<String, Failure> {
    if let Some(c) = &args.code {
        return Ok(c.clone());
    }
    if let Some(path) = &args.code_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::input(format!("cannot read the join code from {}: {e}", path.display())))?;
        let code = text.lines().next().unwrap_or("").trim().to_string();
        if code.is_empty() {
            return Err(Failure::input(format!("{} holds no join code on its first line", path.display())));
        }
        return Ok(code);
    }
    if let Some(code) = std::env::var_os(CODE_VARIABLE) {
        let code = code.to_string_lossy().trim().to_string();
        if !code.is_empty() {
            return Ok(code);
        }
    }
    let who = match team {
        _ if args.observer => "the room display".to_string(),
        None => "the facilitator's control connection".to_string(),
        Some(t) => format!("team `{t}`"),
    };
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "no join code for {who}: give --code-file FILE or set {CODE_VARIABLE} (or --code CODE, \
             which other users of this computer can see), or run in a terminal to type it"
        )));
    }
    eprint!("Join code for {who}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::input(format!("cannot read the join code: {e}")))?;
    let code = line.trim().to_string();
    if code.is_empty() {
        return Err(Failure::input("no join code was typed"));
    }
    Ok(code)
}

/// `ttx join`
pub fn join(mut args: JoinArgs) -> Outcome {
    let team = match (&args.team, args.facilitator, args.observer) {
        (Some(t), false, false) => Some(t.clone()),
        (None, true, false) | (None, false, true) => None,
        _ => return Err(Failure::input("give one of --team ID, --facilitator or --observer")),
    };
    args.code = Some(join_code(&args, team.as_deref())?);
    if args.observer && !args.headless {
        return crate::net::room::join(&args);
    }
    let code = args.code.clone().unwrap_or_default();
    if !args.headless {
        return crate::net::team_console::join(&args, team);
    }
    let (mut target, rt) = join_setup(&args)?;
    target.observer = args.observer;
    let result = rt.block_on(async move {
        let mut out = std::io::stdout().lock();
        match client::headless(target, team, code, tokio::io::stdin(), &mut out).await? {
            Ended::Done => Ok(()),
            Ended::GaveUp(message) => Err(Failure::runtime(format!("ttx join: {message}"))),
            Ended::Refused(code, message) => {
                let code = serde_json::to_string(&code).unwrap_or_default();
                Err(Failure::input(format!(
                    "ttx join: the server refused ({}): {message}",
                    code.trim_matches('"')
                )))
            }
        }
    });
    // Standard input is read on a blocking thread that would otherwise hold the exit.
    rt.shutdown_background();
    result
}

//! Warnings: what a scenario may say, and the loader accepts, but is most likely a mistake.
//!
//! A warning does not stop a scenario from loading or running (`ttx validate` exits 0 and
//! prints it with file:line:column; `--deny-warnings` makes it fail). Each names the value at
//! fault by its path, as the errors of [`super::compile`] do.

use super::Problem;
use super::schema::*;
use crate::data;
use crate::time::ETime;

fn warn(out: &mut Vec<Problem>, path: String, message: String, help: &str) {
    out.push(Problem { path, message, help: Some(help.to_string()) });
}

/// The warnings of a spec that compiled without errors, in no particular order.
pub fn warnings(spec: &ScenarioSpec) -> Vec<Problem> {
    let mut out = Vec::new();
    let clock = &spec.clock;

    // Election-night reporting that ends before the polls close counts no results-site downtime.
    if clock.reporting_end <= clock.polls_close {
        warn(
            &mut out,
            "clock.reporting_end".into(),
            format!(
                "reporting ends ({}) before the polls close ({}): no results-site downtime will count",
                clock.reporting_end, clock.polls_close
            ),
            "set `reporting_end` after `polls_close`, e.g. \"E+1d 06:00\"",
        );
    }

    // A clock that ends before the EO 13848 deadlines leaves the post-election process unfinished.
    let eo = &spec.eo13848;
    let assessment_due = ETime::new(i64::from(eo.assessment_due_days), 0);
    let report_due = ETime::new(i64::from(eo.assessment_due_days) + i64::from(eo.report_due_days), 0);
    // Only a foreign government's campaigns start the EO 13848 process.
    let foreign_campaigns =
        spec.adversaries.iter().any(|a| a.kind.is_foreign_government() && !a.campaigns.is_empty());
    if foreign_campaigns && clock.end > ETime::new(0, 0) && clock.end < report_due {
        let which = if clock.end < assessment_due {
            format!("the DNI's assessment ({assessment_due}) and the AG/DHS report ({report_due})")
        } else {
            format!("the AG/DHS report ({report_due})")
        };
        warn(
            &mut out,
            "clock.end".into(),
            format!("the clock ends ({}) before the EO 13848 deadlines: {which} fall after it", clock.end),
            "end the clock at or after the report's deadline (`end: \"E+90d 00:00\"` with the defaults) to exercise the EO 13848 process, or ignore this if the exercise stops before it on purpose",
        );
    }

    // Geography: hand-listed jurisdictions.
    if let JurisdictionsSpec::Listed(list) = &spec.geography.jurisdictions {
        if let StateSelection::Only(codes) = &spec.geography.states {
            for (i, code) in codes.iter().enumerate() {
                if !list.iter().any(|j| &j.state == code) {
                    warn(
                        &mut out,
                        format!("geography.states[{i}]"),
                        format!("state `{code}` has no jurisdiction in the `Listed` jurisdictions"),
                        "list its jurisdictions under `jurisdictions` (or remove the state): without them only its state office takes part",
                    );
                }
            }
        }
        for (i, j) in list.iter().enumerate() {
            let (Some(v), Some(rec)) = (j.voters, data::state(&j.state)) else { continue };
            if v > rec.registered_voters {
                warn(
                    &mut out,
                    format!("geography.jurisdictions[{i}].voters"),
                    format!(
                        "jurisdiction `{}` has more registered voters ({v}) than its state {} ({})",
                        j.id, rec.postal, rec.registered_voters
                    ),
                    "check the figure: a jurisdiction's voters are part of its state's",
                );
            }
        }
    }

    // Campaigns.
    for (ai, a) in spec.adversaries.iter().enumerate() {
        for (ci, c) in a.campaigns.iter().enumerate() {
            let path = format!("adversaries[{ai}].campaigns[{ci}]");
            if let (Some(start), Some(until)) = (c.start, c.until)
                && until < start
            {
                warn(
                    &mut out,
                    format!("{path}.until"),
                    format!(
                        "the campaign stops ({until}) before it starts ({start}): it never picks a target"
                    ),
                    "set `until` after `start`, or remove `until` to run to the end of the clock",
                );
            }
            if c.technique == Some(Technique::DenialOfService)
                && matches!(c.objective, Objective::StealAndLeak | Objective::AlterData)
            {
                let what = match c.objective {
                    Objective::StealAndLeak => "steal data",
                    _ => "alter data",
                };
                warn(
                    &mut out,
                    format!("{path}.objective"),
                    format!("a denial-of-service campaign gains no access, so it cannot {what}"),
                    "use `objective: Disrupt` for a flood, or an access technique (`Phishing`, `ExploitPublicFacing`, `CredentialStuffing`, `VendorCompromise`)",
                );
            }
        }
    }

    // Injects at a fixed time, labelled with a module that is not running then.
    for (i, inj) in spec.injects.iter().enumerate() {
        let (Some(m), Trigger::At(t)) = (&inj.module, &inj.trigger) else { continue };
        let Some(k) = spec.modules.iter().position(|x| &x.id == m) else { continue };
        let start = spec.modules[k].start;
        let end = spec.modules.get(k + 1).map_or(clock.end, |n| n.start);
        let last = k + 1 == spec.modules.len();
        if *t < start || *t > end || (!last && *t == end) {
            warn(
                &mut out,
                format!("injects[{i}].trigger"),
                format!("the inject fires at {t}, outside its module `{m}` ({start} to {end})"),
                "move the time into the module, or label the inject with the module running at that time",
            );
        }
    }
    out
}

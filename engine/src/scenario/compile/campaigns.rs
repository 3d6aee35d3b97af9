//! Compiler section for the adversaries' campaigns: their timing and
//! numbers, the assets each may target, and the vendor a supply-chain
//! campaign goes through.

use std::collections::BTreeSet;

use super::{Builder, suggest_help};
use crate::model::registry::*;
use crate::scenario::schema::*;

impl Builder<'_> {
    /// Every adversary's campaigns, in order, and the lookup by id.
    pub(super) fn campaigns(&mut self) {
        let spec = self.spec;
        let mut campaign_ids = BTreeSet::new();
        for (ai, a) in spec.adversaries.iter().enumerate() {
            for (ci, c) in a.campaigns.iter().enumerate() {
                let path = format!("adversaries[{ai}].campaigns[{ci}]");
                if !campaign_ids.insert(c.id.clone()) {
                    self.cx.err(
                        format!("{path}.id"),
                        format!("campaign id `{}` is used twice", c.id),
                        "give each campaign its own id",
                    );
                }
                let info = self.campaign(&path, c, AdversaryIx(ai as u32));
                let cix = CampaignIx(self.reg.campaigns.len() as u32);
                self.reg.adversaries[ai].campaigns.push(cix);
                self.reg.campaigns.push(info);
            }
        }
        self.reg.campaign_by_id = self
            .reg
            .campaigns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.spec.id.clone(), CampaignIx(i as u32)))
            .collect();
    }

    /// One campaign.
    fn campaign(&mut self, path: &str, c: &CampaignSpec, adversary: AdversaryIx) -> CampaignInfo {
        self.campaign_numbers(path, c);
        let candidates = self.campaign_targets(path, c);
        let vendor_channel = self.campaign_vendor(path, c);
        let clock = self.reg.clock;
        CampaignInfo {
            spec: c.clone(),
            adversary,
            candidates,
            vendor_channel,
            start: c.start.map(|t| clock.tick_clamped(t)),
            until: c.until.map_or(clock.last_tick(), |t| clock.tick_clamped(t)),
        }
    }

    /// A campaign's times, shares, tempo and technique.
    fn campaign_numbers(&mut self, path: &str, c: &CampaignSpec) {
        let clock = self.reg.clock;
        let cx = &mut self.cx;
        if let Some(t) = c.start {
            cx.in_clock(format!("{path}.start"), t, &clock);
        }
        if let Some(t) = c.until {
            cx.in_clock(format!("{path}.until"), t, &clock);
        }
        cx.prob(format!("{path}.altered_share"), c.altered_share);
        cx.non_negative(format!("{path}.surge_intensity"), c.surge_intensity);
        cx.non_negative(format!("{path}.amplification"), c.amplification);
        if c.tempo_h == 0 {
            cx.err(format!("{path}.tempo_h"), "zero hours between actions", "use 1 or more hours");
        }
        if c.max_attempts == 0 {
            cx.err(
                format!("{path}.max_attempts"),
                "a campaign that never attempts access",
                "use 1 or more attempts",
            );
        }
        if c.technique.is_none() && c.objective != Objective::Influence {
            cx.err(
                format!("{path}.technique"),
                format!("a campaign that attacks assets (objective `{:?}`) needs a technique", c.objective),
                "add `technique: Phishing` (or ExploitPublicFacing, CredentialStuffing, VendorCompromise, DenialOfService); only `objective: Influence` may leave it out",
            );
        }
        if c.objective == Objective::Influence && c.surge_every_h == 0 {
            cx.err(format!("{path}.surge_every_h"), "zero hours between surges", "use 1 or more hours");
        }
    }

    /// The assets a campaign may target (none for influence campaigns).
    fn campaign_targets(&mut self, path: &str, c: &CampaignSpec) -> Vec<AssetIx> {
        let t = match (&c.targets, c.objective) {
            (None, Objective::Influence) => return Vec::new(),
            (Some(_), Objective::Influence) => {
                self.cx.err(
                    format!("{path}.targets"),
                    "influence campaigns target the public, not assets",
                    "remove `targets`, or give the campaign another objective",
                );
                return Vec::new();
            }
            (None, _) => {
                self.cx.err(
                    format!("{path}.targets"),
                    "the campaign has no targets",
                    "add `targets: (kinds: [OfficeIt], count: 5)` or similar",
                );
                return Vec::new();
            }
            (Some(t), _) => t,
        };
        if t.kinds.is_empty() {
            self.cx.err(
                format!("{path}.targets.kinds"),
                "no asset kinds to target",
                "list kinds, e.g. `[VoterRegistration]`",
            );
        }
        let sel = AssetSelector {
            kinds: t.kinds.clone(),
            states: t.states.clone(),
            jurisdictions: t.jurisdictions.clone(),
            count: 0,
        };
        self.check_selector(&format!("{path}.targets"), &sel);
        let reg = &self.reg;
        let mut candidates = reg.select_assets(&sel);
        if c.technique == Some(Technique::VendorCompromise)
            && let Some(v) = c.vendor.as_ref().and_then(|v| reg.actor_by_id.get(v))
        {
            candidates.retain(|a| reg.assets[a.ix()].vendor == Some(*v));
        }
        if candidates.is_empty() && !t.kinds.is_empty() {
            self.cx.err(
                format!("{path}.targets"),
                "the targets match no asset in the scenario",
                "widen `kinds`, `states` or `jurisdictions` (state offices own VoterRegistration; locals own Pollbook, VotingEquipment, Tabulation, ResultsWebsite, OfficeIt; for vendor compromise, the vendor must supply these kinds)",
            );
        }
        candidates
    }

    /// The update channel of the vendor a campaign names, if any.
    fn campaign_vendor(&mut self, path: &str, c: &CampaignSpec) -> Option<AssetIx> {
        let reg = &self.reg;
        match (c.technique, &c.vendor) {
            (Some(Technique::VendorCompromise), None) => self.cx.err(
                format!("{path}.vendor"),
                "vendor compromise needs a vendor",
                "add `vendor: \"<vendor id>\"` naming a vendor from `vendors`",
            ),
            (_, Some(v)) => {
                match reg.actor_by_id.get(v).filter(|a| reg.actors[a.ix()].kind == ActorKind::Vendor) {
                    Some(a) => return reg.actors[a.ix()].assets.first().copied(),
                    None => {
                        let ids: Vec<&str> =
                            reg.vendors.iter().map(|a| reg.actors[a.ix()].id.as_str()).collect();
                        self.cx.err(
                            format!("{path}.vendor"),
                            format!("unknown vendor `{v}`"),
                            suggest_help(v, &ids, "name a vendor from `vendors`"),
                        );
                    }
                }
            }
            _ => {}
        }
        None
    }
}

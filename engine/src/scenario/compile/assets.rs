//! Compiler sections for the infrastructure: each actor's assets, which vendor
//! supplies each asset (a draw fixed by the scenario), and every asset's
//! security posture (defaults, per kind, overrides).

use super::{Builder, unique_index};
use crate::model::registry::*;
use crate::scenario::schema::*;

/// The kinds of asset each kind of actor owns, in canonical order.
fn owned_kinds(kind: ActorKind) -> &'static [AssetKind] {
    match kind {
        ActorKind::StateOffice => {
            &[AssetKind::VoterRegistration, AssetKind::ResultsWebsite, AssetKind::OfficeIt]
        }
        ActorKind::Local => &[
            AssetKind::Pollbook,
            AssetKind::VotingEquipment,
            AssetKind::Tabulation,
            AssetKind::ResultsWebsite,
            AssetKind::OfficeIt,
        ],
        ActorKind::Vendor => &[AssetKind::VendorUpdate],
        _ => &[],
    }
}

/// An asset's id: its owner's id and its kind's slug, `{owner}/{slug}`.
fn asset_id(owner: &str, kind: AssetKind) -> String {
    let slug = kind.slug();
    let mut id = String::with_capacity(owner.len() + 1 + slug.len());
    id.push_str(owner);
    id.push('/');
    id.push_str(slug);
    id
}

impl Builder<'_> {
    /// Every actor's assets, with the default posture.
    pub(super) fn assets(&mut self) {
        let reg = &mut self.reg;
        reg.assets.reserve(reg.actors.iter().map(|a| owned_kinds(a.kind).len()).sum());
        for (ai, actor) in reg.actors.iter_mut().enumerate() {
            actor.assets.reserve_exact(owned_kinds(actor.kind).len());
            for &kind in owned_kinds(actor.kind) {
                let ix = AssetIx(reg.assets.len() as u32);
                reg.assets.push(AssetInfo {
                    id: asset_id(&actor.id, kind),
                    kind,
                    owner: ActorIx(ai as u32),
                    state: actor.state,
                    vendor: None,
                    posture: self.spec.posture.defaults,
                });
                actor.assets.push(ix);
            }
        }
    }

    /// Vendor markets: a fixed draw per (vendor, customer), the same for every run.
    pub(super) fn vendor_markets(&mut self) {
        let reg = &mut self.reg;
        for (vi, v) in self.spec.vendors.iter().enumerate() {
            let vendor_actor = reg.vendors[vi];
            for asset in reg.assets.iter_mut() {
                if !v.kinds.contains(&asset.kind) || asset.vendor.is_some() {
                    continue;
                }
                let Some(st) = asset.state else { continue };
                if !v.states.is_empty() && !v.states.iter().any(|p| *p == reg.states[st.ix()].postal) {
                    continue;
                }
                let owner_id = &reg.actors[asset.owner.ix()].id;
                if self.fixed.fixed_uniform(&["vendor_customer", &v.id, owner_id]) < v.market_share {
                    asset.vendor = Some(vendor_actor);
                }
            }
        }
    }

    /// The lookups of assets, states and adversaries by id.
    pub(super) fn index_assets(&mut self) {
        let reg = &mut self.reg;
        reg.asset_by_id = match unique_index(reg.assets.iter().map(|a| a.id.as_str())) {
            Some(index) => index.into_iter().map(|(id, i)| (id.to_string(), AssetIx(i))).collect(),
            // Two actors of one id (a problem reported already): the later asset of an id wins.
            None => reg.assets.iter().enumerate().map(|(i, a)| (a.id.clone(), AssetIx(i as u32))).collect(),
        };
        reg.state_by_postal =
            reg.states.iter().enumerate().map(|(i, s)| (s.postal.clone(), StateIx(i as u32))).collect();
        reg.adversary_by_id =
            reg.adversaries.iter().enumerate().map(|(i, a)| (a.id.clone(), AdversaryIx(i as u32))).collect();
    }

    /// Posture changes per kind, then the overrides in order (a count picks
    /// that many of the selected assets by a draw fixed by the scenario).
    pub(super) fn posture(&mut self) {
        let spec = self.spec;
        for asset in self.reg.assets.iter_mut() {
            if let Some(p) = spec.posture.by_kind.get(&asset.kind) {
                p.apply(&mut asset.posture);
            }
        }
        for (i, o) in spec.posture.overrides.iter().enumerate() {
            self.check_selector(&format!("posture.overrides[{i}].select"), &o.select);
            let mut picked = self.reg.select_assets(&o.select);
            if o.select.count > 0 && (o.select.count as usize) < picked.len() {
                let mut s = self.fixed.stream(&["posture_override", &i.to_string()]);
                let mut chosen: Vec<AssetIx> = s
                    .sample_indices(picked.len(), o.select.count as usize)
                    .into_iter()
                    .map(|k| picked[k])
                    .collect();
                chosen.sort();
                picked = chosen;
            }
            for a in picked {
                o.set.apply(&mut self.reg.assets[a.ix()].posture);
            }
        }
    }
}

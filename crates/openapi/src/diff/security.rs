//! Security requirements (global and per operation).

use std::collections::BTreeMap;

use super::{Differ, Side};
use crate::model::*;

impl<'a> Differ<'a> {
    pub(in crate::diff) fn requirements_diff(
        &mut self,
        old: &[SecurityRequirement],
        new: &[SecurityRequirement],
        ids: [&str; 4],
        op: Option<&'a Operation>,
        loc: Loc,
    ) {
        let key = |r: &SecurityRequirement| r.keys().cloned().collect::<Vec<_>>().join("+");
        let old_map: BTreeMap<String, &SecurityRequirement> = old.iter().map(|r| (key(r), r)).collect();
        let new_map: BTreeMap<String, &SecurityRequirement> = new.iter().map(|r| (key(r), r)).collect();
        for (k, req) in &new_map {
            match old_map.get(k) {
                None => self.emit(ids[0], Side::New, loc, op, format!("security requirement `{k}` added")),
                Some(prev) => {
                    for (scheme, scopes) in req.iter() {
                        let before = prev.get(scheme).cloned().unwrap_or_default();
                        for s in scopes.iter().filter(|s| !before.contains(s)) {
                            self.emit(
                                ids[2],
                                Side::New,
                                loc,
                                op,
                                format!("scope `{s}` added to security scheme `{scheme}`"),
                            );
                        }
                        for s in before.iter().filter(|s| !scopes.contains(s)) {
                            self.emit(
                                ids[3],
                                Side::New,
                                loc,
                                op,
                                format!("scope `{s}` removed from security scheme `{scheme}`"),
                            );
                        }
                    }
                }
            }
        }
        for k in old_map.keys().filter(|k| !new_map.contains_key(*k)) {
            self.emit(ids[1], Side::New, loc, op, format!("security requirement `{k}` removed"));
        }
    }

    pub(in crate::diff) fn operation_security(&mut self, old: &'a Operation, new: &'a Operation) {
        let (a, b) = (old.security.clone().unwrap_or_default(), new.security.clone().unwrap_or_default());
        self.requirements_diff(
            &a,
            &b,
            ["api-security-added", "api-security-removed", "api-security-scope-added", "api-security-scope-removed"],
            Some(new),
            new.loc,
        );
    }

    pub(in crate::diff) fn global_security(&mut self) {
        let loc = self.new.root_loc;
        let (a, b) = (self.old.security.clone(), self.new.security.clone());
        self.requirements_diff(
            &a,
            &b,
            [
                "api-global-security-added",
                "api-global-security-removed",
                "api-global-security-scope-added",
                "api-global-security-scope-removed",
            ],
            None,
            loc,
        );
    }
}

//! Endpoints: added and removed operations, deprecation and sunset, stability levels, and
//! the parts of a matched operation (operation id, tags, security, parameters, bodies).

use std::collections::{BTreeMap, BTreeSet};

use super::{Differ, STABILITY, Side, parse_date, stability_rank};
use crate::model::*;

impl<'a> Differ<'a> {
    pub(in crate::diff) fn endpoints(&mut self) {
        let key = |op: &Operation| (op.method.clone(), normalize_path(&op.path));
        let new_ops: BTreeMap<_, &Operation> = self.new.operations.iter().map(|o| (key(o), o)).collect();
        let old_ops: BTreeMap<_, &Operation> = self.old.operations.iter().map(|o| (key(o), o)).collect();
        let new_paths: BTreeSet<String> = self.new.paths.keys().map(|p| normalize_path(p)).collect();
        for (k, old) in &old_ops {
            match new_ops.get(k) {
                Some(new) => self.operation(old, new),
                None => {
                    let path_still_exists = new_paths.contains(&k.1);
                    self.invalid_stability(old, Side::Old, old);
                    // Each removed operation counts by its own level: draft and alpha ones (by
                    // default) go away freely, even when the rest of their path was stable.
                    let counts = stability_rank(old.stability.as_deref())
                        .is_some_and(|rank| rank >= self.options.stability_threshold);
                    if counts {
                        self.removed_operation(old, path_still_exists);
                    }
                }
            }
        }
        // Webhooks: added and removed ones are reported by name; matched ones are compared
        // like endpoints.
        for old in &self.old.webhook_operations {
            if let Some(new) = self.new.webhook_operations.iter().find(|n| n.path == old.path && n.method == old.method)
            {
                self.operation(old, new);
            }
        }
        for (k, new) in &new_ops {
            if !old_ops.contains_key(k) {
                self.emit(
                    "endpoint-added",
                    Side::New,
                    new.loc,
                    Some(new),
                    format!("endpoint {} {} added", new.method, new.path),
                );
            }
        }
    }

    /// A removed operation, as oasdiff's `checkAPIRemoval`: one removed without deprecation, or
    /// deprecated without a sunset, or before its sunset, is reported; one whose sunset has
    /// passed went away as announced, and is not.
    pub(in crate::diff) fn removed_operation(&mut self, old: &Operation, path_still_exists: bool) {
        let (prefix, what) = if path_still_exists { ("api", "endpoint") } else { ("api-path", "path") };
        let id = match (old.deprecated, old.sunset.as_deref()) {
            (false, _) => format!("{prefix}-removed-without-deprecation"),
            (true, None) => format!("{prefix}-removed-with-deprecation"),
            (true, Some(text)) => match parse_date(text) {
                None => {
                    // When it may go is unknown: that, rather than the removal, is the finding.
                    let message = format!("{what} {} {}: cannot parse sunset date {text:?}", old.method, old.path);
                    self.emit("api-path-sunset-parse", Side::Old, old.loc, Some(old), message);
                    return;
                }
                Some(date) if date > self.options.today => format!("{prefix}-removed-before-sunset"),
                Some(_) => return,
            },
        };
        self.emit(&id, Side::Old, old.loc, Some(old), format!("{what} {} {} removed", old.method, old.path));
    }

    pub(in crate::diff) fn operation(&mut self, old: &'a Operation, new: &'a Operation) {
        self.stability(old, new);
        // Draft and alpha endpoints change freely: nothing else is compared.
        if !self.checked(new.stability.as_deref()) {
            return;
        }
        self.deprecation(old, new);
        match (&old.operation_id, &new.operation_id) {
            (None, Some(id)) => {
                self.emit("api-operation-id-added", Side::New, new.loc, Some(new), format!("operation id `{id}` added"))
            }
            (Some(id), None) => self.emit(
                "api-operation-id-removed",
                Side::New,
                new.loc,
                Some(new),
                format!("operation id `{id}` removed"),
            ),
            (Some(a), Some(b)) if a != b => self.emit(
                "api-operation-id-removed",
                Side::New,
                new.loc,
                Some(new),
                format!("operation id changed from `{a}` to `{b}`"),
            ),
            _ => {}
        }
        for tag in old.tags.iter().filter(|t| !new.tags.contains(t)) {
            self.emit("api-tag-removed", Side::New, new.loc, Some(new), format!("tag `{tag}` removed"));
        }
        for tag in new.tags.iter().filter(|t| !old.tags.contains(t)) {
            self.emit("api-tag-added", Side::New, new.loc, Some(new), format!("tag `{tag}` added"));
        }
        self.operation_security(old, new);
        self.parameters(old, new);
        self.request_body(old, new);
        self.responses(old, new);
    }

    /// The days of notice the deprecation policy asks for an endpoint at this stability level
    /// (`None` for an invalid level, where the policy does not apply): none for draft and alpha,
    /// the beta or the stable period otherwise (no level counts as stable).
    pub(in crate::diff) fn deprecation_days(&self, stability: Option<&str>) -> Option<i64> {
        match stability {
            Some("draft" | "alpha") => Some(0),
            Some("beta") => Some(self.options.deprecation_days_beta),
            None | Some("stable") => Some(self.options.deprecation_days_stable),
            Some(_) => None,
        }
    }

    /// Deprecation and sunset changes of a matched endpoint, as oasdiff's
    /// `APIDeprecationCheck` and `APISunsetChangedCheck`: an endpoint that became deprecated
    /// gets exactly one finding (sunset missing under a policy, deprecated, sunset unreadable,
    /// sunset too soon, or deprecated with sunset); one that is no longer deprecated is
    /// reactivated, whatever its old sunset said; the sunset of an endpoint that is deprecated
    /// now is compared with the old one when it was deleted or changed.
    pub(in crate::diff) fn deprecation(&mut self, old: &'a Operation, new: &'a Operation) {
        let subject = format!("endpoint {} {}", new.method, new.path);
        let days = self.deprecation_days(new.stability.as_deref());
        if old.deprecated && !new.deprecated {
            self.emit("endpoint-reactivated", Side::New, new.loc, Some(new), format!("{subject} reactivated"));
        } else if !old.deprecated && new.deprecated {
            // An invalid stability level is reported as such; the policy does not apply to it.
            let Some(days) = days else { return };
            let (id, message) = match new.sunset.as_deref() {
                None if days > 0 => {
                    ("api-deprecated-sunset-missing", format!("{subject} deprecated without an x-sunset date"))
                }
                None => ("endpoint-deprecated", format!("{subject} deprecated")),
                Some(text) => match parse_date(text) {
                    None => ("api-deprecated-sunset-parse", format!("{subject}: cannot parse x-sunset {text:?}")),
                    Some(date) if date - self.options.today < days => {
                        ("api-sunset-date-too-small", format!("{subject}: sunset {text} is less than {days} days away"))
                    }
                    Some(_) => ("endpoint-deprecated-with-sunset", format!("{subject} deprecated with sunset {text}")),
                },
            };
            self.emit(id, Side::New, new.loc, Some(new), message);
        }
        if !new.deprecated {
            return;
        }
        match (old.sunset.as_deref(), new.sunset.as_deref()) {
            (Some(_), None) => self.emit(
                "sunset-deleted",
                Side::New,
                new.loc,
                Some(new),
                format!("{subject}: x-sunset removed from a deprecated endpoint"),
            ),
            (Some(a), Some(b)) if a != b => {
                let (op, side, text) = match (parse_date(b), parse_date(a)) {
                    (None, _) => (new, Side::New, b),
                    (_, None) => (old, Side::Old, a),
                    (Some(db), Some(da)) => {
                        // Moving the sunset earlier is only an error when it leaves less than
                        // the deprecation period the endpoint's stability level requires.
                        if let Some(days) = days
                            && db < da
                            && db - self.options.today < days
                        {
                            self.emit(
                                "api-sunset-date-changed-too-small",
                                Side::New,
                                new.loc,
                                Some(new),
                                format!("{subject}: sunset moved earlier, from {a} to {b}"),
                            );
                        }
                        return;
                    }
                };
                self.emit(
                    "api-path-sunset-parse",
                    side,
                    op.loc,
                    Some(new),
                    format!("{subject}: cannot parse x-sunset {text:?}"),
                );
            }
            _ => {}
        }
    }

    /// Whether an endpoint at this stability level is checked (an invalid level is reported on
    /// its own and does not exempt the endpoint).
    pub(in crate::diff) fn checked(&self, stability: Option<&str>) -> bool {
        stability_rank(stability).is_none_or(|rank| rank >= self.options.stability_threshold)
    }

    /// Reports an `x-stability-level` that is not draft, alpha, beta or stable; true if so.
    pub(in crate::diff) fn invalid_stability(&mut self, op: &'a Operation, side: Side, subject: &'a Operation) -> bool {
        match op.stability.as_deref() {
            Some(level) if !STABILITY.contains(&level) => {
                let message = format!("invalid x-stability-level {level:?} (expected draft, alpha, beta or stable)");
                self.emit("api-invalid-stability-level", side, op.loc, Some(subject), message);
                true
            }
            _ => false,
        }
    }

    /// Stability changes, an endpoint without a level counting as stable. A change is reported
    /// when the level the endpoint leaves is at or above the threshold (oasdiff gates on the
    /// base level): stable or beta → alpha is a decrease, draft → stable is not reported.
    pub(in crate::diff) fn stability(&mut self, old: &'a Operation, new: &'a Operation) {
        let invalid_old = self.invalid_stability(old, Side::Old, new);
        let invalid_new = self.invalid_stability(new, Side::New, new);
        if invalid_old || invalid_new {
            return;
        }
        let rank = |s: Option<&str>| stability_rank(s).unwrap_or(3);
        let (a, b) = (rank(old.stability.as_deref()), rank(new.stability.as_deref()));
        if a < self.options.stability_threshold {
            return;
        }
        {
            if b < a {
                self.emit(
                    "api-stability-decreased",
                    Side::New,
                    new.loc,
                    Some(new),
                    format!("stability decreased from {} to {}", STABILITY[a], STABILITY[b]),
                );
            } else if b > a {
                self.emit(
                    "api-stability-increased",
                    Side::New,
                    new.loc,
                    Some(new),
                    format!("stability increased from {} to {}", STABILITY[a], STABILITY[b]),
                );
            }
        }
    }
}

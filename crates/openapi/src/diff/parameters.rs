//! Request parameters: matched by location and name (path parameters by position).

use std::collections::BTreeMap;

use super::{Differ, Env, Scope, Side, parse_date};
use crate::model::*;

impl<'a> Differ<'a> {
    pub(in crate::diff) fn parameters(&mut self, old: &'a Operation, new: &'a Operation) {
        let (old_names, new_names) = (path_params(&old.path), path_params(&new.path));
        let old_params: BTreeMap<String, &Parameter> = old.parameters.iter().map(|p| (p.key(&old_names), p)).collect();
        let new_params: BTreeMap<String, &Parameter> = new.parameters.iter().map(|p| (p.key(&new_names), p)).collect();
        for (k, p) in &old_params {
            if new_params.contains_key(k) {
                continue;
            }
            let subject = format!("request parameter `{}` ({})", p.name, p.location);
            // As oasdiff's `checkParameterRemoval`: a deprecated parameter whose sunset has passed
            // went away as announced; one whose sunset cannot be read is reported as such.
            let id = match (p.deprecated, p.sunset.as_deref().map(parse_date)) {
                (false, _) => "request-parameter-removed",
                (true, None) => "request-parameter-removed-with-deprecation",
                (true, Some(None)) => "request-parameter-sunset-parse",
                (true, Some(Some(date))) if date > self.options.today => "request-parameter-removed-before-sunset",
                (true, Some(Some(_))) => continue,
            };
            self.emit(id, Side::Old, p.loc, Some(new), format!("{subject} removed"));
        }
        for (k, p) in &new_params {
            if old_params.contains_key(k) {
                continue;
            }
            let subject = format!("request parameter `{}` ({})", p.name, p.location);
            let id = match (p.location.as_str(), p.from_path_item, p.required) {
                ("path", _, _) => "new-request-path-parameter",
                (_, true, true) => "new-required-request-default-parameter-to-existing-path",
                (_, true, false) => "new-optional-request-default-parameter-to-existing-path",
                (_, false, true) => "new-required-request-parameter",
                (_, false, false) => "new-optional-request-parameter",
            };
            self.emit(id, Side::New, p.loc, Some(new), format!("{subject} added"));
        }
        for (k, op) in &old_params {
            let Some(np) = new_params.get(k) else { continue };
            let subject = format!("request parameter `{}` ({})", np.name, np.location);
            if !op.required && np.required {
                self.emit(
                    "request-parameter-became-required",
                    Side::New,
                    np.loc,
                    Some(new),
                    format!("{subject} became required"),
                );
            } else if op.required && !np.required {
                self.emit(
                    "request-parameter-became-optional",
                    Side::New,
                    np.loc,
                    Some(new),
                    format!("{subject} became optional"),
                );
            }
            self.parameter_deprecation(new, op, np, &subject);
            if let (Some(a), Some(b)) = (op.schema, np.schema) {
                let env =
                    Env { form_explode: np.form_explode, header_param: np.location == "header", ..Env::default() };
                let w = self.root_site(new, format!("{} {}", np.location, np.name), env);
                self.schema(Scope::RequestParameter, a, b, &w);
            }
        }
    }

    /// Deprecation and sunset changes of a matched parameter, as oasdiff's
    /// `RequestParameterDeprecationCheck` and `RequestParameterSunsetChangedCheck`: a parameter
    /// that became deprecated gets exactly one finding (sunset missing under a policy,
    /// deprecated, sunset unreadable, sunset too soon, or deprecated with a sunset), by the
    /// policy of the operation's stability level; the sunset of a parameter that is deprecated
    /// now is compared with the old one when it was deleted or changed.
    fn parameter_deprecation(&mut self, new: &'a Operation, op: &Parameter, np: &Parameter, subject: &str) {
        let days = self.deprecation_days(new.stability.as_deref());
        if op.deprecated && !np.deprecated {
            let message = format!("{subject} reactivated");
            self.emit("request-parameter-reactivated", Side::New, np.loc, Some(new), message);
        } else if !op.deprecated && np.deprecated {
            let Some(days) = days else { return };
            let (id, message) = match np.sunset.as_deref() {
                None if days > 0 => (
                    "request-parameter-deprecated-sunset-missing",
                    format!("{subject} deprecated without an x-sunset date"),
                ),
                None => ("request-parameter-deprecated", format!("{subject} deprecated")),
                Some(text) => match parse_date(text) {
                    None => ("request-parameter-sunset-parse", format!("{subject}: cannot parse x-sunset {text:?}")),
                    Some(date) if date - self.options.today < days => (
                        "request-parameter-sunset-date-too-small",
                        format!("{subject}: sunset {text} is less than {days} days away"),
                    ),
                    Some(_) => ("request-parameter-deprecated", format!("{subject} deprecated with sunset {text}")),
                },
            };
            self.emit(id, Side::New, np.loc, Some(new), message);
        }
        if !np.deprecated {
            return;
        }
        match (op.sunset.as_deref(), np.sunset.as_deref()) {
            (Some(_), None) => self.emit(
                "request-parameter-sunset-deleted",
                Side::New,
                np.loc,
                Some(new),
                format!("{subject}: x-sunset removed"),
            ),
            (Some(a), Some(b)) if a != b => match (parse_date(a), parse_date(b)) {
                (Some(da), Some(db)) => {
                    if let Some(days) = days
                        && db < da
                        && db - self.options.today < days
                    {
                        let message = format!("{subject}: sunset moved earlier, from {a} to {b}");
                        self.emit(
                            "request-parameter-sunset-date-changed-too-small",
                            Side::New,
                            np.loc,
                            Some(new),
                            message,
                        );
                    }
                }
                (_, db) => {
                    let (side, loc, bad) = if db.is_none() { (Side::New, np.loc, b) } else { (Side::Old, op.loc, a) };
                    let message = format!("{subject}: cannot parse x-sunset {bad:?}");
                    self.emit("request-parameter-sunset-parse", side, loc, Some(new), message);
                }
            },
            _ => {}
        }
    }
}

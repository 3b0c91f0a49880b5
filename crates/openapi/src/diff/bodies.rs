//! Request bodies, responses, media types and response headers.

use std::collections::BTreeMap;

use super::schema::strongly_typed;
use super::{Differ, Env, Scope, Side};
use crate::model::*;

impl<'a> Differ<'a> {
    pub(in crate::diff) fn request_body(&mut self, old: &'a Operation, new: &'a Operation) {
        match (&old.request_body, &new.request_body) {
            (None, Some(b)) => {
                let id = if b.required { "request-body-added-required" } else { "request-body-added-optional" };
                self.emit(id, Side::New, b.loc, Some(new), "request body added".into());
            }
            (Some(b), None) => {
                self.emit("request-body-removed", Side::Old, b.loc, Some(new), "request body removed".into())
            }
            (Some(a), Some(b)) => {
                if !a.required && b.required {
                    self.emit(
                        "request-body-became-required",
                        Side::New,
                        b.loc,
                        Some(new),
                        "request body became required".into(),
                    );
                } else if a.required && !b.required {
                    self.emit(
                        "request-body-became-optional",
                        Side::New,
                        b.loc,
                        Some(new),
                        "request body became optional".into(),
                    );
                }
                self.content(Scope::RequestBody, &a.content, &b.content, new, "");
            }
            (None, None) => {}
        }
    }

    pub(in crate::diff) fn content(
        &mut self,
        scope: Scope,
        old: &'a BTreeMap<String, MediaType>,
        new: &'a BTreeMap<String, MediaType>,
        op: &'a Operation,
        status: &str,
    ) {
        let (added, removed, schema_added, schema_removed) = if scope == Scope::RequestBody {
            (
                "request-body-media-type-added",
                "request-body-media-type-removed",
                "request-body-media-type-schema-added",
                "request-body-media-type-schema-removed",
            )
        } else {
            (
                "response-media-type-added",
                "response-media-type-removed",
                "response-body-media-type-schema-added",
                "response-body-media-type-schema-removed",
            )
        };
        let ctx = |mt: &str| {
            if status.is_empty() { mt.to_string() } else { format!("{status} {mt}") }
        };
        // A response media type replaced by a related one (`application/json` ->
        // `application/problem+json`, `text/*` -> `text/plain`) is a renamed media type.
        let mut renamed: BTreeMap<&str, &str> = BTreeMap::new();
        if scope != Scope::RequestBody {
            for name in old.keys().filter(|n| !new.contains_key(*n)) {
                if let Some(to) = new
                    .keys()
                    .find(|n| !old.contains_key(*n) && !renamed.values().any(|r| r == n) && media_related(name, n))
                {
                    renamed.insert(name, to);
                }
            }
        }
        for (from, to) in &renamed {
            let id = if media_params(from) != media_params(to) {
                // A change of parameters (charset, version, q) says nothing about containment.
                "response-media-type-name-changed"
            } else if media_contains(from, to) {
                "response-media-type-name-specialized"
            } else if media_contains(to, from) {
                "response-media-type-name-generalized"
            } else {
                "response-media-type-name-changed"
            };
            let message = format!("media type changed from `{}` to `{to}`", ctx(from));
            self.emit(id, Side::New, new[*to].loc, Some(op), message);
            if let (Some(a), Some(b)) = (old[*from].schema, new[*to].schema) {
                let w = self.root_site(op, ctx(to), Env { strongly_typed: strongly_typed(to), ..Env::default() });
                self.schema(scope, a, b, &w);
            }
        }
        for (name, mt) in old {
            if !new.contains_key(name) && !renamed.contains_key(name.as_str()) {
                self.emit(removed, Side::Old, mt.loc, Some(op), format!("media type `{}` removed", ctx(name)));
            }
        }
        for (name, mt) in new {
            match old.get(name) {
                None if renamed.values().any(|r| *r == name) => {}
                None => self.emit(added, Side::New, mt.loc, Some(op), format!("media type `{}` added", ctx(name))),
                Some(prev) => match (prev.schema, mt.schema) {
                    (None, Some(_)) => self.emit(
                        schema_added,
                        Side::New,
                        mt.loc,
                        Some(op),
                        format!("schema added to media type `{}`", ctx(name)),
                    ),
                    (Some(_), None) => self.emit(
                        schema_removed,
                        Side::New,
                        mt.loc,
                        Some(op),
                        format!("schema removed from media type `{}`", ctx(name)),
                    ),
                    (Some(a), Some(b)) => {
                        let env = Env { strongly_typed: strongly_typed(name), ..Env::default() };
                        let w = self.root_site(op, ctx(name), env);
                        self.schema(scope, a, b, &w);
                    }
                    (None, None) => {}
                },
            }
        }
    }

    pub(in crate::diff) fn responses(&mut self, old: &'a Operation, new: &'a Operation) {
        // As oasdiff's `responseStatusUpdated`: only numeric statuses are classified as success
        // (200-299) or not; `default` and ranges such as `4XX` added or removed are not reported.
        let success = |s: &str| s.parse::<i64>().ok().map(|code| (200..=299).contains(&code));
        for (status, r) in &old.responses {
            if !new.responses.contains_key(status) {
                let id = match success(status) {
                    Some(true) => "response-success-status-removed",
                    Some(false) => "response-non-success-status-removed",
                    None => continue,
                };
                self.emit(id, Side::Old, r.loc, Some(new), format!("response status `{status}` removed"));
            }
        }
        for (status, r) in &new.responses {
            let Some(prev) = old.responses.get(status) else {
                let id = match success(status) {
                    Some(true) => "response-success-status-added",
                    Some(false) => "response-non-success-status-added",
                    None => continue,
                };
                self.emit(id, Side::New, r.loc, Some(new), format!("response status `{status}` added"));
                continue;
            };
            self.content(Scope::ResponseBody, &prev.content, &r.content, new, status);
            for (name, h) in &prev.headers {
                if !r.headers.contains_key(name) {
                    let id = if h.required {
                        "required-response-header-removed"
                    } else {
                        "optional-response-header-removed"
                    };
                    self.emit(id, Side::Old, h.loc, Some(new), format!("response header `{name}` ({status}) removed"));
                }
            }
            for (name, h) in &r.headers {
                let Some(ph) = prev.headers.get(name) else {
                    self.emit(
                        "response-header-added",
                        Side::New,
                        h.loc,
                        Some(new),
                        format!("response header `{name}` ({status}) added"),
                    );
                    continue;
                };
                if ph.required && !h.required {
                    self.emit(
                        "response-header-became-optional",
                        Side::New,
                        h.loc,
                        Some(new),
                        format!("response header `{name}` ({status}) became optional"),
                    );
                }
                if let (Some(a), Some(b)) = (ph.schema, h.schema) {
                    let w = self.root_site(new, format!("{status} {name}"), Env::default());
                    self.schema(Scope::ResponseHeader, a, b, &w);
                }
            }
        }
    }
}

/// `type/subtype` without parameters.
pub(super) fn media_base(m: &str) -> &str {
    m.split(';').next().unwrap_or(m).trim()
}

/// The parameters of a media type (`; charset=utf-8`), normalized and sorted.
fn media_params(m: &str) -> Vec<String> {
    let mut params: Vec<String> = m
        .split(';')
        .skip(1)
        .map(|p| p.trim().to_ascii_lowercase().replace(' ', ""))
        .filter(|p| !p.is_empty())
        .collect();
    params.sort();
    params
}

/// Whether media range `a` contains `b`: `*/*`, `application/*`, `+json` suffixes, parameters.
fn media_contains(a: &str, b: &str) -> bool {
    let (a, b) = (media_base(a), media_base(b));
    let split = |m: &str| m.split_once('/').map(|(t, s)| (t.to_ascii_lowercase(), s.to_ascii_lowercase()));
    let (Some((at, asub)), Some((bt, bsub))) = (split(a), split(b)) else { return false };
    at == "*" || (at == bt && (asub == "*" || asub == bsub || bsub.ends_with(&format!("+{asub}"))))
}

fn media_related(a: &str, b: &str) -> bool {
    media_contains(a, b) || media_contains(b, a)
}

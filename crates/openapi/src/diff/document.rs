//! Document-level changes: security schemes, component schemas and webhooks, and the versioning
//! policy. (The document's `tags:` list is not compared: oasdiff's `api-tag-added/removed` are
//! about the tags of operations.)

use super::{Differ, Side};

impl<'a> Differ<'a> {
    pub(in crate::diff) fn version(&mut self) {
        let (Some(a), Some(b)) = (self.old.info_version.clone(), self.new.info_version.clone()) else {
            return;
        };
        let (Some(va), Some(vb)) = (parse_semver(&a), parse_semver(&b)) else {
            return;
        };
        if !self.findings.iter().any(|f| f.level == schemagate_core::Level::Error) {
            return;
        }
        let (id, message) = if a == b {
            ("api-version-not-bumped", format!("breaking changes without a version bump (still {b})"))
        } else if vb <= va {
            ("api-version-decreased", format!("breaking changes with a version that went down ({a} -> {b})"))
        } else if !(if va.0 == 0 && vb.0 == 0 { vb.1 > va.1 } else { vb.0 > va.0 }) {
            ("api-major-version-not-bumped", format!("breaking changes without a major version bump ({a} -> {b})"))
        } else {
            return;
        };
        let loc = self.new.root_loc;
        self.emit(id, Side::New, loc, None, message);
        if self.options.require_version_bump
            && let Some(f) = self.findings.last_mut()
        {
            f.level = schemagate_core::Level::Error;
        }
    }

    pub(in crate::diff) fn components(&mut self) {
        let (old, new) = (self.old, self.new);
        for (name, scheme) in &new.security_schemes {
            match old.security_schemes.get(name) {
                None => self.emit(
                    "api-security-component-added",
                    Side::New,
                    scheme.loc,
                    None,
                    format!("security scheme `{name}` added"),
                ),
                Some(prev) => {
                    if prev.kind != scheme.kind {
                        self.emit(
                            "api-security-component-type-changed",
                            Side::New,
                            scheme.loc,
                            None,
                            format!("security scheme `{name}` type changed from `{}` to `{}`", prev.kind, scheme.kind),
                        );
                    }
                    for (flow, (auth, token, scopes)) in &scheme.flows {
                        let Some((pauth, ptoken, pscopes)) = prev.flows.get(flow) else {
                            continue;
                        };
                        if pauth != auth {
                            self.emit(
                                "api-security-component-oauth-url-changed",
                                Side::New,
                                scheme.loc,
                                None,
                                format!("security scheme `{name}` flow `{flow}` authorization URL changed"),
                            );
                        }
                        if ptoken != token {
                            self.emit(
                                "api-security-component-oauth-token-url-changed",
                                Side::New,
                                scheme.loc,
                                None,
                                format!("security scheme `{name}` flow `{flow}` token URL changed"),
                            );
                        }
                        for (scope, desc) in scopes {
                            match pscopes.get(scope) {
                                None => self.emit(
                                    "api-security-component-oauth-scope-added",
                                    Side::New,
                                    scheme.loc,
                                    None,
                                    format!("security scheme `{name}` scope `{scope}` added"),
                                ),
                                Some(d) if d != desc => self.emit(
                                    "api-security-component-oauth-scope-changed",
                                    Side::New,
                                    scheme.loc,
                                    None,
                                    format!("security scheme `{name}` scope `{scope}` description changed"),
                                ),
                                _ => {}
                            }
                        }
                        for scope in pscopes.keys().filter(|s| !scopes.contains_key(*s)) {
                            self.emit(
                                "api-security-component-oauth-scope-removed",
                                Side::New,
                                scheme.loc,
                                None,
                                format!("security scheme `{name}` scope `{scope}` removed"),
                            );
                        }
                    }
                }
            }
        }
        for (name, scheme) in &old.security_schemes {
            if !new.security_schemes.contains_key(name) {
                self.emit(
                    "api-security-component-removed",
                    Side::Old,
                    scheme.loc,
                    None,
                    format!("security scheme `{name}` removed"),
                );
            }
        }
        for (name, id) in &old.component_schemas {
            if !new.component_schemas.contains_key(name) {
                let loc = old.schema(*id).loc;
                self.emit("api-schema-removed", Side::Old, loc, None, format!("component schema `{name}` removed"));
            }
        }
        for (name, loc) in &new.webhooks {
            if !old.webhooks.contains_key(name) {
                self.emit("webhook-added", Side::New, *loc, None, format!("webhook `{name}` added"));
            }
        }
        for (name, loc) in &old.webhooks {
            if !new.webhooks.contains_key(name) {
                self.emit("webhook-removed", Side::Old, *loc, None, format!("webhook `{name}` removed"));
            }
        }
    }
}

/// `major.minor.patch` of a semantic version (optional leading `v`, pre-release and build
/// metadata accepted and ignored); `None` for anything else (dates, `v1`, `1.0`).
fn parse_semver(v: &str) -> Option<(u64, u64, u64)> {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next()?;
    let rest = &v[core.len()..];
    if rest.starts_with('+') || rest.starts_with('-') {
        let ok =
            |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !ok(&rest[1..]) {
            return None;
        }
    }
    let nums: Vec<&str> = core.split('.').collect();
    if nums.len() != 3 || nums.iter().any(|n| n.is_empty() || (n.len() > 1 && n.starts_with('0'))) {
        return None;
    }
    let n = |i: usize| nums[i].parse::<u64>().ok();
    Some((n(0)?, n(1)?, n(2)?))
}

//! The OpenAPI diff engine: matches endpoints (method + path, path parameters matched by
//! position), parameters (location + name), media types, statuses and schema properties, and
//! reports every change with oasdiff's check id and level.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use schemagate_core::{Finding, Location};

use crate::checks::level_of;
use crate::model::*;

mod schema;

/// Which part of an API a schema describes; decides the check-id prefix and whether a change
/// narrows what clients may send (requests) or widens what they may receive (responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    RequestBody,
    RequestProperty,
    RequestParameter,
    RequestParameterProperty,
    ResponseBody,
    ResponseProperty,
    ResponseHeader,
}

impl Scope {
    fn prefix(self) -> &'static str {
        match self {
            Scope::RequestBody => "request-body",
            Scope::RequestProperty => "request-property",
            Scope::RequestParameter => "request-parameter",
            Scope::RequestParameterProperty => "request-parameter-property",
            Scope::ResponseBody => "response-body",
            Scope::ResponseProperty => "response-property",
            Scope::ResponseHeader => "response-header",
        }
    }
    fn is_request(self) -> bool {
        matches!(
            self,
            Scope::RequestBody | Scope::RequestProperty | Scope::RequestParameter | Scope::RequestParameterProperty
        )
    }
    /// The scope of the properties (and items) of a schema in this scope.
    fn nested(self) -> Scope {
        match self {
            Scope::RequestBody | Scope::RequestProperty => Scope::RequestProperty,
            Scope::RequestParameter | Scope::RequestParameterProperty => Scope::RequestParameterProperty,
            Scope::ResponseBody | Scope::ResponseProperty | Scope::ResponseHeader => Scope::ResponseProperty,
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Scope::RequestBody => "request body",
            Scope::RequestProperty => "request property",
            Scope::RequestParameter => "request parameter",
            Scope::RequestParameterProperty => "request parameter property",
            Scope::ResponseBody => "response body",
            Scope::ResponseProperty => "response property",
            Scope::ResponseHeader => "response header",
        }
    }
}

/// What a schema comparison is about, for messages and findings.
#[derive(Clone)]
struct Where<'a> {
    op: &'a Operation,
    /// e.g. `application/json` or `200 application/json` or `query limit`.
    context: String,
    /// Property path inside the schema, e.g. `items/price`.
    property: String,
    /// The media type of the body being compared (empty for parameters and headers).
    media: String,
    /// For a parameter: form style with explode (see `Parameter::form_explode`).
    form_explode: bool,
}

impl Where<'_> {
    fn subject(&self, scope: Scope) -> String {
        if self.property.is_empty() {
            format!("{} ({})", scope.noun(), self.context)
        } else {
            format!("{} `{}` ({})", scope.noun(), self.property, self.context)
        }
    }
    fn with_property(&self, name: &str) -> Self {
        let property = if self.property.is_empty() { name.to_string() } else { format!("{}/{name}", self.property) };
        Where { property, ..self.clone() }
    }
    /// The items of the array being compared: `tags[]`.
    fn items(&self) -> Self {
        Where { property: format!("{}[]", self.property), ..self.clone() }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Old,
    New,
}

/// Options of a diff run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Today's date as days since 1970-01-01 (sunset checks).
    pub today: i64,
    /// Minimum days between deprecation and sunset for stable and beta endpoints.
    pub deprecation_days_stable: i64,
    pub deprecation_days_beta: i64,
    /// Raise the versioning-policy findings (`api-version-not-bumped`, `api-version-decreased`,
    /// `api-major-version-not-bumped`) from info to error.
    pub require_version_bump: bool,
    /// The lowest `x-stability-level` whose endpoints are checked (oasdiff's
    /// `--stability-level`): 0 draft, 1 alpha, 2 beta (default), 3 stable. Endpoints below it
    /// change freely; an endpoint without a level counts as stable.
    pub stability_threshold: usize,
}

impl Default for Options {
    fn default() -> Self {
        let today = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64 / 86_400)
            .unwrap_or(0);
        Options {
            today,
            deprecation_days_stable: 180,
            deprecation_days_beta: 31,
            require_version_bump: false,
            stability_threshold: 2,
        }
    }
}

struct Differ<'a> {
    old: &'a Spec,
    new: &'a Spec,
    options: &'a Options,
    findings: Vec<Finding>,
    visited: HashSet<(SchemaId, SchemaId, Scope, String)>,
    in_progress: HashSet<(SchemaId, SchemaId, Scope)>,
    /// Whether the new schema being compared is write-only (selects oasdiff's variant ids).
    new_write_only: bool,
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (or RFC 3339 date-time).
pub fn parse_date(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d): (i64, i64, i64) =
        (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || date.len() != 10 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

const STABILITY: [&str; 4] = ["draft", "alpha", "beta", "stable"];

/// The rank of a stability level (no level counts as stable); `None` for an invalid one.
fn stability_rank(stability: Option<&str>) -> Option<usize> {
    STABILITY.iter().position(|x| *x == stability.unwrap_or("stable"))
}

impl<'a> Differ<'a> {
    fn spec(&self, side: Side) -> &'a Spec {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }

    fn emit(&mut self, id: &str, side: Side, loc: Loc, op: Option<&Operation>, message: String) {
        let Some(level) = level_of(id) else {
            debug_assert!(false, "unknown check id {id}");
            return;
        };
        let spec = self.spec(side);
        let path = spec.files.get(loc.file).cloned().unwrap_or_default();
        let location = Location {
            start_line: loc.pos.line,
            start_column: loc.pos.column,
            end_line: loc.pos.line,
            end_column: loc.pos.column,
        };
        let mut f = Finding::new(id, level, path, location, message);
        if let Some(op) = op {
            f.method = Some(op.method.clone());
            f.api_path = Some(op.path.clone());
        }
        self.findings.push(f);
    }

    /// Emits `<scope prefix>-<suffix>` when oasdiff has such a check (with oasdiff's few
    /// differently-named ids).
    fn attr(&mut self, scope: Scope, w: &Where, suffix: &str, side: Side, loc: Loc, detail: String) {
        let header_param = w.context.starts_with("header ");
        let id = match (scope, suffix) {
            (Scope::ResponseBody, "enum-value-removed") => "response-mediatype-enum-value-removed".to_string(),
            (Scope::RequestParameterProperty, "became-enum") if header_param => {
                "request-header-property-became-enum".to_string()
            }
            (Scope::ResponseProperty, "enum-value-added") if self.new_write_only => {
                "response-write-only-property-enum-value-added".to_string()
            }
            _ => format!("{}-{suffix}", scope.prefix()),
        };
        if level_of(&id).is_some() {
            let message = format!("{} {detail}", w.subject(scope));
            self.emit(&id, side, loc, Some(w.op), message);
        }
    }

    fn run(&mut self) {
        self.endpoints();
        self.global_security();
        self.components();
        self.version();
    }

    /// The versioning policy (oasdiff's): when a breaking change is found and both versions are
    /// semantic versions, the version must have gone up by a major (by a minor below 1.0.0).
    /// Exactly one of not-bumped, decreased, major-not-bumped is reported, at info level —
    /// error with `require_version_bump`.
    fn version(&mut self) {
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

    fn endpoints(&mut self) {
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

    fn removed_operation(&mut self, old: &Operation, path_still_exists: bool) {
        let (prefix, what) = if path_still_exists { ("api", "endpoint") } else { ("api-path", "path") };
        let sunset = old.sunset.as_deref().and_then(parse_date);
        let id = if !old.deprecated {
            format!("{prefix}-removed-without-deprecation")
        } else if sunset.is_some_and(|s| s > self.options.today) {
            format!("{prefix}-removed-before-sunset")
        } else {
            format!("{prefix}-removed-with-deprecation")
        };
        if old.deprecated && old.sunset.is_some() && sunset.is_none() {
            // When it may go is unknown: that, rather than the removal, is the finding.
            self.emit(
                "api-path-sunset-parse",
                Side::Old,
                old.loc,
                Some(old),
                format!(
                    "{what} {} {}: cannot parse sunset date {:?}",
                    old.method,
                    old.path,
                    old.sunset.clone().unwrap_or_default()
                ),
            );
            return;
        }
        self.emit(&id, Side::Old, old.loc, Some(old), format!("{what} {} {} removed", old.method, old.path));
    }

    fn operation(&mut self, old: &'a Operation, new: &'a Operation) {
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

    fn deprecation(&mut self, old: &'a Operation, new: &'a Operation) {
        // An invalid stability level is reported as such; the deprecation policy, which depends
        // on the level, is not applied to it.
        if new.stability.is_some() && stability_rank(new.stability.as_deref()).is_none() {
            return;
        }
        let subject = format!("endpoint {} {}", new.method, new.path);
        for (op, side) in [(old, Side::Old), (new, Side::New)] {
            if let Some(text) = op.sunset.as_deref()
                && op.deprecated
                && parse_date(text).is_none()
                && old.deprecated
            {
                self.emit(
                    "api-path-sunset-parse",
                    side,
                    op.loc,
                    Some(new),
                    format!("{subject}: cannot parse x-sunset {text:?}"),
                );
                return;
            }
        }
        if !old.deprecated && new.deprecated {
            match new.sunset.as_deref() {
                None => {
                    let draft = new.stability.as_deref().is_some_and(|s| s == "draft" || s == "alpha");
                    self.emit("endpoint-deprecated", Side::New, new.loc, Some(new), format!("{subject} deprecated"));
                    if !draft {
                        self.emit(
                            "api-deprecated-sunset-missing",
                            Side::New,
                            new.loc,
                            Some(new),
                            format!("{subject} deprecated without an x-sunset date"),
                        );
                    }
                }
                Some(text) => match parse_date(text) {
                    None => self.emit(
                        "api-deprecated-sunset-parse",
                        Side::New,
                        new.loc,
                        Some(new),
                        format!("{subject}: cannot parse x-sunset {text:?}"),
                    ),
                    Some(date) => {
                        let min_days = match new.stability.as_deref() {
                            Some("beta") => self.options.deprecation_days_beta,
                            Some("draft" | "alpha") => 0,
                            _ => self.options.deprecation_days_stable,
                        };
                        if date < self.options.today + min_days {
                            self.emit(
                                "api-sunset-date-too-small",
                                Side::New,
                                new.loc,
                                Some(new),
                                format!("{subject}: sunset {text} is less than {min_days} days away"),
                            );
                        }
                        self.emit(
                            "endpoint-deprecated-with-sunset",
                            Side::New,
                            new.loc,
                            Some(new),
                            format!("{subject} deprecated with sunset {text}"),
                        );
                    }
                },
            }
        } else if old.deprecated && !new.deprecated {
            self.emit("endpoint-reactivated", Side::New, new.loc, Some(new), format!("{subject} reactivated"));
        } else if old.deprecated && new.deprecated {
            match (old.sunset.as_deref(), new.sunset.as_deref()) {
                (Some(_), None) => self.emit(
                    "sunset-deleted",
                    Side::New,
                    new.loc,
                    Some(new),
                    format!("{subject}: x-sunset removed from a deprecated endpoint"),
                ),
                (Some(a), Some(b)) if a != b => {
                    // Moving the sunset earlier is only an error when it leaves less than the
                    // deprecation period the endpoint's stability level requires.
                    let min_days = match new.stability.as_deref() {
                        Some("beta") => self.options.deprecation_days_beta,
                        Some("draft" | "alpha") => 0,
                        _ => self.options.deprecation_days_stable,
                    };
                    if let (Some(da), Some(db)) = (parse_date(a), parse_date(b))
                        && db < da
                        && db - self.options.today < min_days.max(0)
                    {
                        self.emit(
                            "api-sunset-date-changed-too-small",
                            Side::New,
                            new.loc,
                            Some(new),
                            format!("{subject}: sunset moved earlier, from {a} to {b}"),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether an endpoint at this stability level is checked (an invalid level is reported on
    /// its own and does not exempt the endpoint).
    fn checked(&self, stability: Option<&str>) -> bool {
        stability_rank(stability).is_none_or(|rank| rank >= self.options.stability_threshold)
    }

    /// Reports an `x-stability-level` that is not draft, alpha, beta or stable; true if so.
    fn invalid_stability(&mut self, op: &'a Operation, side: Side, subject: &'a Operation) -> bool {
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
    fn stability(&mut self, old: &'a Operation, new: &'a Operation) {
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

    fn requirements_diff(
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

    fn operation_security(&mut self, old: &'a Operation, new: &'a Operation) {
        let (a, b) = (old.security.clone().unwrap_or_default(), new.security.clone().unwrap_or_default());
        self.requirements_diff(
            &a,
            &b,
            ["api-security-added", "api-security-removed", "api-security-scope-added", "api-security-scope-removed"],
            Some(new),
            new.loc,
        );
    }

    fn global_security(&mut self) {
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

    fn components(&mut self) {
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
        for (name, loc) in &new.tags {
            if !old.tags.contains_key(name) {
                self.emit("api-tag-added", Side::New, *loc, None, format!("tag `{name}` added"));
            }
        }
        for (name, loc) in &old.tags {
            if !new.tags.contains_key(name) {
                self.emit("api-tag-removed", Side::Old, *loc, None, format!("tag `{name}` removed"));
            }
        }
    }

    fn parameters(&mut self, old: &'a Operation, new: &'a Operation) {
        let (old_names, new_names) = (path_params(&old.path), path_params(&new.path));
        let old_params: BTreeMap<String, &Parameter> = old.parameters.iter().map(|p| (p.key(&old_names), p)).collect();
        let new_params: BTreeMap<String, &Parameter> = new.parameters.iter().map(|p| (p.key(&new_names), p)).collect();
        for (k, p) in &old_params {
            if new_params.contains_key(k) {
                continue;
            }
            let subject = format!("request parameter `{}` ({})", p.name, p.location);
            let sunset = p.sunset.as_deref().and_then(parse_date);
            let id = if !p.deprecated {
                "request-parameter-removed"
            } else if p.sunset.is_some() && sunset.is_none() {
                // A deprecated parameter whose sunset cannot be read: when it may go is unknown.
                "request-parameter-sunset-parse"
            } else if sunset.is_some_and(|s| s > self.options.today) {
                "request-parameter-removed-before-sunset"
            } else {
                "request-parameter-removed-with-deprecation"
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
            if !op.deprecated && np.deprecated {
                self.emit(
                    "request-parameter-deprecated",
                    Side::New,
                    np.loc,
                    Some(new),
                    format!("{subject} deprecated"),
                );
                match np.sunset.as_deref() {
                    None => self.emit(
                        "request-parameter-deprecated-sunset-missing",
                        Side::New,
                        np.loc,
                        Some(new),
                        format!("{subject} deprecated without an x-sunset date"),
                    ),
                    Some(text) if parse_date(text).is_none() => self.emit(
                        "request-parameter-sunset-parse",
                        Side::New,
                        np.loc,
                        Some(new),
                        format!("{subject}: cannot parse x-sunset {text:?}"),
                    ),
                    Some(text) => {
                        if parse_date(text)
                            .is_some_and(|d| d < self.options.today + self.options.deprecation_days_stable)
                        {
                            self.emit(
                                "request-parameter-sunset-date-too-small",
                                Side::New,
                                np.loc,
                                Some(new),
                                format!("{subject}: sunset {text} is too soon"),
                            );
                        }
                    }
                }
            } else if op.deprecated && !np.deprecated {
                self.emit(
                    "request-parameter-reactivated",
                    Side::New,
                    np.loc,
                    Some(new),
                    format!("{subject} reactivated"),
                );
            } else if op.deprecated && np.deprecated {
                match (op.sunset.as_deref(), np.sunset.as_deref()) {
                    (Some(_), None) => self.emit(
                        "request-parameter-sunset-deleted",
                        Side::New,
                        np.loc,
                        Some(new),
                        format!("{subject}: x-sunset removed"),
                    ),
                    (Some(a), Some(b)) if a != b && (parse_date(b).is_none() || parse_date(a).is_none()) => {
                        let bad = if parse_date(b).is_none() { b } else { a };
                        self.emit(
                            "request-parameter-sunset-parse",
                            Side::New,
                            np.loc,
                            Some(new),
                            format!("{subject}: cannot parse x-sunset {bad:?}"),
                        );
                    }
                    (Some(a), Some(b)) if a != b => {
                        if let (Some(da), Some(db)) = (parse_date(a), parse_date(b))
                            && db < da
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
                    _ => {}
                }
            }
            if let (Some(a), Some(b)) = (op.schema, np.schema) {
                let w = Where {
                    op: new,
                    context: format!("{} {}", np.location, np.name),
                    property: String::new(),
                    media: String::new(),
                    form_explode: np.form_explode,
                };
                self.schema(Scope::RequestParameter, a, b, &w);
            }
        }
    }

    fn request_body(&mut self, old: &'a Operation, new: &'a Operation) {
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

    fn content(
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
                let w =
                    Where { op, context: ctx(to), property: String::new(), media: to.to_string(), form_explode: false };
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
                        let w = Where {
                            op,
                            context: ctx(name),
                            property: String::new(),
                            media: name.clone(),
                            form_explode: false,
                        };
                        self.schema(scope, a, b, &w);
                    }
                    (None, None) => {}
                },
            }
        }
    }

    fn responses(&mut self, old: &'a Operation, new: &'a Operation) {
        let success = |s: &str| s.starts_with('2');
        for (status, r) in &old.responses {
            if !new.responses.contains_key(status) {
                let id = if success(status) {
                    "response-success-status-removed"
                } else {
                    "response-non-success-status-removed"
                };
                self.emit(id, Side::Old, r.loc, Some(new), format!("response status `{status}` removed"));
            }
        }
        for (status, r) in &new.responses {
            let Some(prev) = old.responses.get(status) else {
                let id =
                    if success(status) { "response-success-status-added" } else { "response-non-success-status-added" };
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
                    let w = Where {
                        op: new,
                        context: format!("{status} {name}"),
                        property: String::new(),
                        media: String::new(),
                        form_explode: false,
                    };
                    self.schema(Scope::ResponseHeader, a, b, &w);
                }
            }
        }
    }
}

/// `type/subtype` without parameters.
fn media_base(m: &str) -> &str {
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

/// Compares two specs and returns every change as a finding (all levels).
pub fn diff(old: &Spec, new: &Spec, options: &Options) -> Vec<Finding> {
    let mut d = Differ {
        old,
        new,
        options,
        findings: Vec::new(),
        visited: HashSet::new(),
        in_progress: HashSet::new(),
        new_write_only: false,
    };
    d.run();
    d.findings
}

//! The OpenAPI diff engine: matches endpoints (method + path, path parameters matched by
//! position), parameters (location + name), media types, statuses and schema properties, and
//! reports every change with oasdiff's check id and level.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use schemagate_core::{Finding, Location};

use crate::checks::level_of;
use crate::model::*;

mod bodies;
mod document;
mod endpoints;
mod parameters;
mod schema;
mod security;
mod sites;

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
    /// The scope of the subschemas of a schema in this scope (`oneOf`/`anyOf`/`allOf` branches,
    /// `not`, `contains`, `if`/`then`/`else`): as oasdiff walks them, everything below a body or
    /// a parameter is a property; a response header's subschemas stay the header's.
    fn subschema(self) -> Scope {
        match self {
            Scope::ResponseHeader => Scope::ResponseHeader,
            other => other.nested(),
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

/// What a schema comparison's outcome depends on besides the two schemas and the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct Env {
    /// The body's media type distinguishes `1` from `"1"` (JSON); text, XML and form bodies,
    /// parameters and headers do not.
    strongly_typed: bool,
    /// For a parameter: form style with explode (see `Parameter::form_explode`).
    form_explode: bool,
    /// The schema describes a header parameter.
    header_param: bool,
    /// The days of notice the deprecation policy asks for the operation's stability level
    /// (`None` for an invalid level, where the policy does not apply): a property deprecated
    /// without a sunset, or with one too soon, is judged by it.
    deprecation_days: Option<i64>,
}

/// Where a schema comparison happens: a site (one use in an operation, or one shared component
/// pair), the property path inside it, and what the comparison depends on.
#[derive(Clone)]
struct Where<'a> {
    /// Index in `Differ::sites`.
    site: usize,
    /// The operation, for comparisons rooted in an operation; `None` inside a shared component
    /// (its operations are found afterwards, from the sites graph).
    op: Option<&'a Operation>,
    /// How the site is named in messages: `200 application/json`, `query limit`, or
    /// ``in `Customer` `` for a shared component.
    label: Rc<str>,
    /// Property path inside the site's schema, e.g. `items/price`.
    property: String,
    env: Env,
    /// Nesting of inline schema comparisons within the site (bounds recursion).
    depth: usize,
    /// A change recognized at the schema node being compared, whose raw changes there are not
    /// reported (each node sets its own).
    transition: schema::Transition,
}

impl Where<'_> {
    fn subject(&self, scope: Scope) -> String {
        if self.property.is_empty() {
            format!("{} ({})", scope.noun(), self.label)
        } else {
            format!("{} `{}` ({})", scope.noun(), self.property, self.label)
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
            // oasdiff's CLI defaults: a deprecation needs no sunset date.
            deprecation_days_stable: 0,
            deprecation_days_beta: 0,
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
    /// For each finding, the shared-component site it was found in (its operations are
    /// resolved at the end).
    finding_site: Vec<Option<usize>>,
    /// The comparison graph: operation uses and shared component pairs.
    sites: sites::Sites<'a>,
    /// Comparisons already made in the current site (the same pair at the same path is
    /// reported once).
    visited: HashSet<(SchemaId, SchemaId, Scope, String)>,
    /// Whether the new schema being compared is write-only (selects oasdiff's variant ids).
    new_write_only: bool,
    /// Schema pairs compared (for the linear-growth tests and `--stats`).
    comparisons: usize,
    /// Validation equivalence of (old, new) schema pairs already decided.
    equivalent: std::collections::HashMap<(SchemaId, SchemaId), bool>,
    /// Path templates of the new spec matched to a differently written one of the old spec
    /// (`/a/{aId}` for `/a/{id}`): findings name the old one, as oasdiff does, so that ignore
    /// files keep matching.
    base_paths: HashMap<&'a str, &'a str>,
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

    /// How findings name an operation's path: the old spec's template for a path matched to a
    /// differently written one.
    fn api_path<'p>(&self, path: &'p str) -> &'p str
    where
        'a: 'p,
    {
        self.base_paths.get(path).copied().unwrap_or(path)
    }

    fn emit(&mut self, id: &str, side: Side, loc: Loc, op: Option<&Operation>, message: String) {
        self.record(id, side, loc, op, message);
    }

    /// Records a finding; false (and nothing recorded) for an id oasdiff does not have.
    fn record(&mut self, id: &str, side: Side, loc: Loc, op: Option<&Operation>, message: String) -> bool {
        let Some(level) = level_of(id) else {
            debug_assert!(false, "unknown check id {id}");
            return false;
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
            f.api_path = Some(self.api_path(&op.path).to_string());
        }
        self.findings.push(f);
        self.finding_site.push(None);
        true
    }

    /// Emits a finding about a schema comparison: tied to its operation, or, inside a shared
    /// component, to the component's site (whose operations are resolved at the end).
    fn emit_at(&mut self, w: &Where<'a>, id: &str, side: Side, loc: Loc, message: String) {
        if w.transition.claims(id) {
            return;
        }
        if self.record(id, side, loc, w.op, message)
            && w.op.is_none()
            && let Some(last) = self.finding_site.last_mut()
        {
            *last = Some(w.site);
        }
    }

    /// Emits `<scope prefix>-<suffix>` when oasdiff has such a check (with oasdiff's few
    /// differently-named ids).
    fn attr(&mut self, scope: Scope, w: &Where<'a>, suffix: &str, side: Side, loc: Loc, detail: String) {
        let id = match (scope, suffix) {
            (Scope::ResponseBody, "enum-value-removed") => "response-mediatype-enum-value-removed".to_string(),
            (Scope::RequestParameterProperty, "became-enum") if w.env.header_param => {
                "request-header-property-became-enum".to_string()
            }
            (Scope::ResponseProperty, "enum-value-added") if self.new_write_only => {
                "response-write-only-property-enum-value-added".to_string()
            }
            _ => format!("{}-{suffix}", scope.prefix()),
        };
        if level_of(&id).is_some() {
            let message = format!("{} {detail}", w.subject(scope));
            self.emit_at(w, &id, side, loc, message);
        }
    }

    fn run(&mut self) {
        self.endpoints();
        // Shared component pairs met along the way, each compared once (more are found while
        // comparing them).
        while let Some((site, a, b, scope)) = self.sites.next_unit() {
            self.compare_unit(site, a, b, scope);
        }
        self.resolve_uses();
        self.global_security();
        self.components();
        self.version();
    }
}

/// How much work a diff did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Schema pairs compared (each shared component pair once per scope, each inline schema once
    /// per comparison of the site that holds it).
    pub comparisons: usize,
    /// Shared component pairs compared.
    pub shared_pairs: usize,
}

/// Compares two specs and returns every change as a finding (all levels).
pub fn diff(old: &Spec, new: &Spec, options: &Options) -> Vec<Finding> {
    diff_with_stats(old, new, options).0
}

/// `diff`, and how much work it did.
pub fn diff_with_stats(old: &Spec, new: &Spec, options: &Options) -> (Vec<Finding>, Stats) {
    let mut d = Differ {
        old,
        new,
        options,
        findings: Vec::new(),
        finding_site: Vec::new(),
        sites: sites::Sites::default(),
        visited: HashSet::new(),
        new_write_only: false,
        comparisons: 0,
        equivalent: Default::default(),
        base_paths: HashMap::new(),
    };
    let old_paths: HashMap<String, &str> = old.paths.keys().map(|p| (normalize_path(p), p.as_str())).collect();
    for path in new.paths.keys() {
        if let Some(&base) = old_paths.get(&normalize_path(path))
            && base != path
        {
            d.base_paths.insert(path.as_str(), base);
        }
    }
    d.run();
    let stats = Stats { comparisons: d.comparisons, shared_pairs: d.sites.unit_count() };
    (d.findings, stats)
}

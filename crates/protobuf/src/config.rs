//! buf.yaml (v1beta1, v1, v2) and schemagate.yaml configuration: module roots and the
//! `breaking:` section (use, except, ignore, ignore_only, ignore_unstable_packages).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::error::LoadError;
use crate::rules::{self, Category, ConfigVersion, RawFinding, Rule};

#[derive(Debug, Default, Deserialize)]
struct RawBreaking {
    #[serde(default, rename = "use")]
    use_ids: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    ignore_only: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    ignore_unstable_packages: bool,
    #[serde(default)]
    disable_builtin: bool,
}

#[derive(Debug, Default, Deserialize)]
struct RawBuild {
    #[serde(default)]
    roots: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawModule {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    excludes: Vec<String>,
    #[serde(default)]
    breaking: Option<RawBreaking>,
}

#[derive(Debug, Default, Deserialize)]
struct RawProtobuf {
    #[serde(default)]
    roots: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    build: Option<RawBuild>,
    #[serde(default)]
    modules: Option<Vec<RawModule>>,
    #[serde(default)]
    breaking: Option<RawBreaking>,
    #[serde(default)]
    plugins: Option<yaml_serde::Value>,
    #[serde(default)]
    policies: Option<yaml_serde::Value>,
    /// buf.work.yaml
    #[serde(default)]
    directories: Vec<String>,
    /// schemagate.yaml
    #[serde(default)]
    protobuf: Option<RawProtobuf>,
}

/// Where the .proto files of an input are: import roots relative to the input, and excluded
/// paths relative to the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub roots: Vec<String>,
    pub excludes: Vec<String>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { roots: vec![".".into()], excludes: vec![] }
    }
}

/// The breaking-rule policy of an input.
#[derive(Debug, Clone)]
pub struct BreakingConfig {
    pub version: ConfigVersion,
    pub rules: Vec<&'static Rule>,
    pub ignore: Vec<String>,
    pub ignore_only: BTreeMap<&'static str, Vec<String>>,
    pub ignore_unstable_packages: bool,
    /// Things the config asks for that we cannot do (plugin rules, policies), for a warning.
    pub warnings: Vec<String>,
}

impl Default for BreakingConfig {
    fn default() -> Self {
        resolve(ConfigVersion::V2, &RawBreaking::default(), false).unwrap_or_else(|_| unreachable_default())
    }
}

fn unreachable_default() -> BreakingConfig {
    BreakingConfig {
        version: ConfigVersion::V2,
        rules: vec![],
        ignore: vec![],
        ignore_only: BTreeMap::new(),
        ignore_unstable_packages: false,
        warnings: vec![],
    }
}

fn parse(path: &str, text: &[u8]) -> Result<RawConfig, LoadError> {
    let text = std::str::from_utf8(text)
        .map_err(|e| LoadError::at_offset(path, text, e.valid_up_to(), "file is not valid UTF-8"))?;
    if text.trim().is_empty() {
        return Ok(RawConfig::default());
    }
    yaml_serde::from_str::<RawConfig>(text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line() as u32, l.column() as u32)).unwrap_or((1, 1));
        LoadError::new(path, line, column, format!("invalid configuration: {e}"))
    })
}

fn version_of(raw: &RawConfig, path: &str) -> Result<ConfigVersion, LoadError> {
    match raw.version.as_deref() {
        Some("v1beta1") => Ok(ConfigVersion::V1Beta1),
        Some("v1") => Ok(ConfigVersion::V1),
        Some("v2") | None => Ok(ConfigVersion::V2),
        Some(other) => {
            Err(LoadError::new(path, 1, 1, format!("unknown config version \"{other}\" (expected v1beta1, v1 or v2)")))
        }
    }
}

/// Reads the module layout of an input from its buf.yaml / buf.work.yaml / schemagate.yaml.
pub fn layout(file_name: &str, text: &[u8]) -> Result<Layout, LoadError> {
    let raw = parse(file_name, text)?;
    let clean = |p: &String| p.trim_end_matches('/').trim_start_matches("./").to_string();
    let mut layout = Layout::default();
    if !raw.directories.is_empty() {
        layout.roots = raw.directories.iter().map(clean).collect();
    } else if let Some(build) = &raw.build {
        if !build.roots.is_empty() {
            layout.roots = build.roots.iter().map(clean).collect();
        }
        layout.excludes = build.excludes.iter().map(clean).collect();
    } else if let Some(modules) = &raw.modules {
        let roots: Vec<String> =
            modules.iter().map(|m| m.path.as_ref().map(clean).unwrap_or_else(|| ".".into())).collect();
        if !roots.is_empty() {
            layout.roots = roots;
        }
        layout.excludes = modules.iter().flat_map(|m| m.excludes.iter().map(clean)).collect();
    } else if let Some(pb) = &raw.protobuf {
        if !pb.roots.is_empty() {
            layout.roots = pb.roots.iter().map(clean).collect();
        }
        layout.excludes = pb.excludes.iter().map(clean).collect();
    }
    Ok(layout)
}

/// Reads the breaking policy from a buf.yaml or schemagate.yaml.
pub fn breaking_config(file_name: &str, text: &[u8]) -> Result<BreakingConfig, LoadError> {
    let raw = parse(file_name, text)?;
    let version = version_of(&raw, file_name)?;
    let module_breaking = raw.modules.as_ref().and_then(|ms| ms.iter().find_map(|m| m.breaking.as_ref()));
    let breaking = raw.breaking.as_ref().or(module_breaking);
    let has_extensions = raw.plugins.is_some() || raw.policies.is_some();
    let empty = RawBreaking::default();
    let mut config =
        resolve(version, breaking.unwrap_or(&empty), has_extensions).map_err(|m| LoadError::new(file_name, 1, 1, m))?;
    if raw.plugins.is_some() {
        config
            .warnings
            .push(format!("{file_name}: check plugins are not supported; rules provided by plugins are skipped"));
    }
    if raw.policies.is_some() {
        config
            .warnings
            .push(format!("{file_name}: policies are not supported; only the `breaking` section is applied"));
    }
    Ok(config)
}

/// Expands ids and category names into rule ids for a config version.
fn expand(
    version: ConfigVersion,
    names: &[String],
    lenient: bool,
    warnings: &mut Vec<String>,
) -> Result<BTreeSet<&'static str>, String> {
    let mut out = BTreeSet::new();
    for name in names {
        if let Some(cat) = Category::from_id(name) {
            if cat == Category::Csr && version != ConfigVersion::V2 {
                return Err(format!("category \"{name}\" is only available in v2 configurations"));
            }
            out.extend(rules::ALL.iter().filter(|r| r.membership.categories(version).contains(&cat)).map(|r| r.id));
            continue;
        }
        match rules::by_id(name) {
            Some(rule) if rule.is_deprecated() => {
                if !rules::files::deprecated_exists_in(rule.id, version) {
                    return Err(format!(
                        "rule \"{name}\" was removed in v2 configurations; use {}",
                        rule.replacement_ids(ConfigVersion::V1).join(", ")
                    ));
                }
                out.extend(rule.replacement_ids(version));
            }
            Some(rule) if rule.membership.exists_in(version) => {
                out.insert(rule.id);
            }
            Some(_) => {
                return Err(format!("rule \"{name}\" is not available in this configuration version"));
            }
            None if lenient => {
                warnings.push(format!("unknown rule or category \"{name}\" (provided by a plugin?) is skipped"))
            }
            None => return Err(format!("unknown rule or category \"{name}\"")),
        }
    }
    Ok(out)
}

fn resolve(version: ConfigVersion, raw: &RawBreaking, lenient: bool) -> Result<BreakingConfig, String> {
    let mut warnings = Vec::new();
    let use_ids =
        if raw.use_ids.is_empty() && !raw.disable_builtin { vec!["FILE".to_string()] } else { raw.use_ids.clone() };
    let selected = expand(version, &use_ids, lenient, &mut warnings)?;
    let excluded = expand(version, &raw.except, lenient, &mut warnings)?;
    let rules = rules::ALL.iter().copied().filter(|r| selected.contains(r.id) && !excluded.contains(r.id)).collect();
    let mut ignore_only: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for (name, paths) in &raw.ignore_only {
        for id in expand(version, std::slice::from_ref(name), lenient, &mut warnings)? {
            ignore_only.entry(id).or_default().extend(paths.iter().map(|p| p.trim_end_matches('/').to_string()));
        }
    }
    Ok(BreakingConfig {
        version,
        rules,
        ignore: raw.ignore.iter().map(|p| p.trim_end_matches('/').to_string()).collect(),
        ignore_only,
        ignore_unstable_packages: raw.ignore_unstable_packages,
        warnings,
    })
}

/// `a/b` matches `a/b` and everything under `a/b/`.
fn path_matches(path: &str, prefix: &str) -> bool {
    prefix == "." || path == prefix || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// A package whose version component is alpha, beta or test (`foo.v1beta1`, `bar.v2test`).
pub fn is_unstable_package(package: &str) -> bool {
    package.split('.').any(|part| {
        let Some(rest) = part.strip_prefix('v') else {
            return false;
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let mut rest = &rest[digits..];
        if let Some(p) = rest.strip_prefix('p') {
            let n = p.bytes().take_while(u8::is_ascii_digit).count();
            if n > 0 {
                rest = &p[n..];
            }
        }
        ["alpha", "beta", "test"]
            .iter()
            .any(|s| rest.strip_prefix(s).is_some_and(|tail| tail.bytes().all(|b| b.is_ascii_digit())))
    })
}

impl BreakingConfig {
    /// Whether a finding is suppressed by ignore, ignore_only or ignore_unstable_packages.
    /// `module_prefix` is the module root within the input (v2 ignore paths include it).
    pub fn is_ignored(&self, f: &RawFinding, module_prefix: &str) -> bool {
        let paths: Vec<String> = [Some(&f.path), f.against_path.as_ref()]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .flat_map(|p| {
                let mut v = vec![p.clone()];
                if !module_prefix.is_empty() && module_prefix != "." {
                    v.push(format!("{module_prefix}/{p}"));
                }
                v
            })
            .collect();
        let hit = |prefixes: &[String]| paths.iter().any(|p| prefixes.iter().any(|i| path_matches(p, i)));
        if hit(&self.ignore) {
            return true;
        }
        if let Some(prefixes) = self.ignore_only.get(f.rule)
            && hit(prefixes)
        {
            return true;
        }
        self.ignore_unstable_packages
            && [f.package.as_deref(), f.against_package.as_deref()].into_iter().flatten().any(is_unstable_package)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_file_category() {
        let c = BreakingConfig::default();
        assert!(c.rules.iter().any(|r| r.id == "FIELD_NO_DELETE"));
        assert!(!c.rules.iter().any(|r| r.id == "PACKAGE_NO_DELETE"));
        assert!(!c.rules.iter().any(|r| r.id == "FIELD_WIRE_COMPATIBLE_TYPE"));
    }

    #[test]
    fn deprecated_rules_are_replaced() {
        let c = breaking_config("buf.yaml", b"version: v1\nbreaking:\n  use: [FIELD_SAME_LABEL]\n").unwrap();
        let ids: Vec<_> = c.rules.iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            ["FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"]
        );
        let v2 = breaking_config("buf.yaml", b"version: v2\nbreaking:\n  use: [FIELD_SAME_LABEL]\n");
        assert!(v2.is_err());
    }

    #[test]
    fn unknown_rule_is_an_error_naming_the_file() {
        let err = breaking_config("buf.yaml", b"version: v1\nbreaking:\n  use: [NOPE]\n").unwrap_err();
        assert!(err.to_string().contains("buf.yaml"), "{err}");
    }

    #[test]
    fn unstable_packages() {
        assert!(is_unstable_package("acme.orders.v1beta1"));
        assert!(is_unstable_package("foo.v2test"));
        assert!(is_unstable_package("foo.v1p1alpha1"));
        assert!(!is_unstable_package("foo.v1"));
        assert!(!is_unstable_package("foo.beta"));
    }

    #[test]
    fn yaml_errors_have_positions() {
        let err = breaking_config("buf.yaml", b"version: v1\nbreaking:\n  use: [a\n").unwrap_err();
        assert!(err.line >= 3, "{err}");
    }
}

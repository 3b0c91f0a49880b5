//! Catalogue audit: every rule is complete, categories match buf's tables, and deprecated
//! rules point at existing replacements.

use schemagate_protobuf::rules::{ALL, Category, ConfigVersion, by_id};

#[test]
fn every_rule_is_documented_and_categorised() {
    for rule in ALL {
        assert!(rule.id.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()), "{}", rule.id);
        assert!(rule.purpose.ends_with('.') && rule.purpose.len() > 20, "{}: purpose {:?}", rule.id, rule.purpose);
        if rule.is_deprecated() {
            for v in [ConfigVersion::V1Beta1, ConfigVersion::V1] {
                for id in rule.replacement_ids(v) {
                    assert!(by_id(id).is_some_and(|r| !r.is_deprecated()), "{} -> {id}", rule.id);
                }
            }
        }
    }
}

/// The catalogue equals buf 1.75's (`buf config ls-breaking-rules --version V --format json`,
/// recorded in tests/data): the same ids, categories, defaults and deprecations per version.
#[test]
fn catalogue_matches_buf_for_every_config_version() {
    for (version, name) in [(ConfigVersion::V1Beta1, "v1beta1"), (ConfigVersion::V1, "v1"), (ConfigVersion::V2, "v2")] {
        let path = format!("{}/tests/data/buf-1.75-breaking-rules-{name}.jsonl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let mut seen = Vec::new();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap();
            seen.push(id.to_string());
            let rule = by_id(id).unwrap_or_else(|| panic!("{name}: buf rule {id} missing from our catalogue"));
            let buf_deprecated = v["deprecated"].as_bool().unwrap();
            assert_eq!(rule.is_deprecated(), buf_deprecated, "{name}: {id} deprecation");
            if buf_deprecated {
                let want: Vec<String> = v["replacements"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default();
                let mut got: Vec<String> = rule.replacement_ids(version).iter().map(|s| s.to_string()).collect();
                let mut want_sorted = want.clone();
                got.sort();
                want_sorted.sort();
                assert_eq!(got, want_sorted, "{name}: {id} replacements");
                continue;
            }
            let mut want: Vec<String> =
                v["categories"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
            let mut got: Vec<String> = rule.membership.categories(version).iter().map(|c| c.id().to_string()).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{name}: {id} categories");
            let default = rule.membership.categories(version).contains(&Category::File);
            assert_eq!(default, v["default"].as_bool().unwrap(), "{name}: {id} default");
        }
        for rule in ALL {
            let exists = if rule.is_deprecated() {
                schemagate_protobuf::rules::deprecated_in(rule.id, version)
            } else {
                rule.membership.exists_in(version)
            };
            assert_eq!(exists, seen.iter().any(|s| s == rule.id), "{name}: {} existence", rule.id);
        }
    }
}

#[test]
fn csr_exists_only_in_v2() {
    for rule in ALL {
        for v in [ConfigVersion::V1Beta1, ConfigVersion::V1] {
            assert!(!rule.membership.categories(v).contains(&Category::Csr), "{}", rule.id);
        }
    }
}

//! The keyword groups of one instance type (string, number, object, array), read into the
//! node of that type.

use serde_json::{Map, Value};

use super::Loader;
use crate::error::JsonSchemaError;
use crate::model::{ArrayKind, NodeId, NumberKind, ObjectKind, StringKind};

impl<'d> Loader<'d> {
    pub(super) fn int(
        &self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        key: &str,
    ) -> Result<Option<i64>, JsonSchemaError> {
        match map.get(key) {
            None => Ok(None),
            Some(v) => match v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)) {
                Some(n) => Ok(Some(n)),
                None => Err(self.invalid(doc, pointer, format!("{key} must be an integer"))),
            },
        }
    }

    pub(super) fn float(
        &self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        key: &str,
    ) -> Result<Option<f64>, JsonSchemaError> {
        match map.get(key) {
            None => Ok(None),
            // draft-04's boolean exclusiveMinimum/exclusiveMaximum carry no limit of their own.
            Some(Value::Bool(_)) if key.starts_with("exclusive") => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) => Ok(Some(n)),
                None => Err(self.invalid(doc, pointer, format!("{key} must be a number"))),
            },
        }
    }

    pub(super) fn string_kind(
        &self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
    ) -> Result<StringKind, JsonSchemaError> {
        let pattern = match map.get("pattern") {
            None => None,
            Some(Value::String(p)) => Some(p.clone()),
            Some(_) => return Err(self.invalid(doc, pointer, "pattern must be a string")),
        };
        Ok(StringKind {
            min_length: self.int(doc, pointer, map, "minLength")?,
            max_length: self.int(doc, pointer, map, "maxLength")?,
            pattern,
        })
    }

    pub(super) fn number_kind(
        &self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
    ) -> Result<NumberKind, JsonSchemaError> {
        let multiple_of = match map.get("multipleOf") {
            None => None,
            Some(Value::Number(n)) => Some(n.clone()),
            Some(_) => return Err(self.invalid(doc, pointer, "multipleOf must be a number")),
        };
        Ok(NumberKind {
            minimum: self.float(doc, pointer, map, "minimum")?,
            maximum: self.float(doc, pointer, map, "maximum")?,
            exclusive_minimum: self.float(doc, pointer, map, "exclusiveMinimum")?,
            exclusive_maximum: self.float(doc, pointer, map, "exclusiveMaximum")?,
            multiple_of,
            requires_integer: false,
        })
    }

    fn schema_map(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
        key: &str,
    ) -> Result<Vec<(String, NodeId)>, JsonSchemaError> {
        let Some(value) = map.get(key) else { return Ok(vec![]) };
        let Some(entries) = value.as_object() else {
            return Err(self.invalid(doc, pointer, format!("{key} must be an object")));
        };
        let base = format!("{pointer}/{key}");
        let mut out = Vec::with_capacity(entries.len());
        for (name, schema) in entries {
            out.push((name.clone(), self.child(doc, &base, name, schema)?));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn string_list(&self, doc: usize, pointer: &str, value: &Value, key: &str) -> Result<Vec<String>, JsonSchemaError> {
        let Some(items) = value.as_array() else {
            return Err(self.invalid(doc, pointer, format!("{key} must be an array of strings")));
        };
        items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| self.invalid(doc, pointer, format!("{key} must be an array of strings")))
    }

    pub(super) fn object_kind(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
    ) -> Result<ObjectKind, JsonSchemaError> {
        let mut object = ObjectKind {
            properties: self.schema_map(doc, pointer, map, "properties")?,
            pattern_properties: self.schema_map(doc, pointer, map, "patternProperties")?,
            min_properties: self.int(doc, pointer, map, "minProperties")?,
            max_properties: self.int(doc, pointer, map, "maxProperties")?,
            ..ObjectKind::default()
        };
        if let Some(required) = map.get("required") {
            object.required = self.string_list(doc, pointer, required, "required")?;
        }
        match map.get("additionalProperties") {
            None | Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => object.permits_additional = false,
            Some(schema) => {
                object.additional_schema = Some(self.child(doc, pointer, "additionalProperties", schema)?)
            }
        }
        if self.draft.is_modern() {
            if let Some(deps) = map.get("dependentRequired") {
                let Some(deps) = deps.as_object() else {
                    return Err(self.invalid(doc, pointer, "dependentRequired must be an object"));
                };
                for (name, list) in deps {
                    let list = self.string_list(doc, pointer, list, "dependentRequired")?;
                    object.property_dependencies.push((name.clone(), list));
                }
            }
            object.schema_dependencies = self.schema_map(doc, pointer, map, "dependentSchemas")?;
            if let Some(schema) = map.get("unevaluatedProperties") {
                object.unevaluated = Some(self.child(doc, pointer, "unevaluatedProperties", schema)?);
            }
        } else if let Some(deps) = map.get("dependencies") {
            let Some(deps) = deps.as_object() else {
                return Err(self.invalid(doc, pointer, "dependencies must be an object"));
            };
            let base = format!("{pointer}/dependencies");
            for (name, dep) in deps {
                if dep.is_array() {
                    let list = self.string_list(doc, pointer, dep, "dependencies")?;
                    object.property_dependencies.push((name.clone(), list));
                } else {
                    let id = self.child(doc, &base, name, dep)?;
                    object.schema_dependencies.push((name.clone(), id));
                }
            }
        }
        for (_, list) in object.property_dependencies.iter_mut() {
            list.sort();
            list.dedup();
        }
        object.property_dependencies.sort_by(|a, b| a.0.cmp(&b.0));
        object.schema_dependencies.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(object)
    }

    pub(super) fn array_kind(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
    ) -> Result<ArrayKind, JsonSchemaError> {
        let mut array = ArrayKind {
            min_items: self.int(doc, pointer, map, "minItems")?,
            max_items: self.int(doc, pointer, map, "maxItems")?,
            unique_items: map.get("uniqueItems").and_then(Value::as_bool).unwrap_or(false),
            max_contains: self.float(doc, pointer, map, "maxContains")?,
            min_contains: self.float(doc, pointer, map, "minContains")?,
            ..ArrayKind::default()
        };
        let modern = self.draft.is_modern();
        if let Some(prefix) = map.get("prefixItems").filter(|_| modern) {
            array.item_schemas = self.schema_list(doc, pointer, prefix, "prefixItems")?;
        }
        match map.get("items") {
            None => {}
            Some(Value::Array(_)) => {
                array.item_schemas = self.schema_list(doc, pointer, &map["items"], "items")?;
                self.additional_items(doc, pointer, map, &mut array)?;
            }
            Some(items) if modern => match items {
                Value::Bool(true) => {}
                Value::Bool(false) => array.permits_additional = false,
                schema => {
                    let id = self.child(doc, pointer, "items", schema)?;
                    if array.item_schemas.is_empty() {
                        array.all_items = Some(id);
                    } else {
                        array.additional_schema = Some(id);
                    }
                }
            },
            Some(items) => array.all_items = Some(self.child(doc, pointer, "items", items)?),
        }
        if !modern && !matches!(map.get("items"), Some(Value::Array(_))) {
            self.additional_items(doc, pointer, map, &mut array)?;
        }
        if modern {
            if map.contains_key("contains") && array.min_contains.is_none() {
                // json-sKema gives `contains` its default minContains of 1.
                array.min_contains = Some(1.0);
            }
            if let Some(schema) = map.get("unevaluatedItems") {
                array.unevaluated = Some(self.child(doc, pointer, "unevaluatedItems", schema)?);
            }
        }
        Ok(array)
    }

    fn additional_items(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &'d Map<String, Value>,
        array: &mut ArrayKind,
    ) -> Result<(), JsonSchemaError> {
        match map.get("additionalItems") {
            None | Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => array.permits_additional = false,
            Some(schema) => array.additional_schema = Some(self.child(doc, pointer, "additionalItems", schema)?),
        }
        Ok(())
    }

    pub(super) fn schema_list(
        &mut self,
        doc: usize,
        pointer: &str,
        value: &'d Value,
        key: &str,
    ) -> Result<Vec<NodeId>, JsonSchemaError> {
        let Some(items) = value.as_array() else {
            return Err(self.invalid(doc, pointer, format!("{key} must be an array")));
        };
        let base = format!("{pointer}/{key}");
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(self.node(doc, &format!("{base}/{i}"), item)?);
        }
        Ok(out)
    }
}

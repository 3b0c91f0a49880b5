//! Specification tables: one realistic change per row (order, payment and inventory events),
//! with every difference the registry records for it and its BACKWARD verdict.

pub mod array;
pub mod combined;
pub mod object;
pub mod scalar;

/// Which dialect a row's schemas are written in.
#[derive(Clone, Copy)]
pub enum Dialect {
    Draft7,
    Draft2020,
}

/// One change. With `field` set, both schemas are the schema of that property of an order
/// event envelope; otherwise they are whole schemas.
pub struct Case {
    pub name: &'static str,
    pub dialect: Dialect,
    pub field: Option<&'static str>,
    pub previous: &'static str,
    pub update: &'static str,
    /// Every difference, compatible ones included, as `KIND path`.
    pub differences: &'static [&'static str],
    pub compatible: bool,
}

impl Case {
    /// The full JSON text of one side.
    pub fn document(&self, schema: &str) -> String {
        let uri = match self.dialect {
            Dialect::Draft7 => "http://json-schema.org/draft-07/schema#",
            Dialect::Draft2020 => "https://json-schema.org/draft/2020-12/schema",
        };
        match self.field {
            Some(field) => format!(
                r#"{{"$schema": "{uri}", "title": "OrderEvent", "type": "object",
                    "properties": {{"orderId": {{"type": "string"}}, "{field}": {schema}}},
                    "required": ["orderId"], "additionalProperties": false}}"#
            ),
            None => {
                let body = schema.trim_start().strip_prefix('{').unwrap_or(schema);
                let separator = if body.trim_start().starts_with('}') { "" } else { ", " };
                format!(r#"{{"$schema": "{uri}"{separator}{body}"#)
            }
        }
    }
}

/// A row whose schemas are the property `field` of the order event.
pub const fn field(
    name: &'static str,
    field: &'static str,
    previous: &'static str,
    update: &'static str,
    differences: &'static [&'static str],
    compatible: bool,
) -> Case {
    Case { name, dialect: Dialect::Draft7, field: Some(field), previous, update, differences, compatible }
}

/// A row whose schemas are whole draft-07 documents.
pub const fn whole(
    name: &'static str,
    previous: &'static str,
    update: &'static str,
    differences: &'static [&'static str],
    compatible: bool,
) -> Case {
    Case { name, dialect: Dialect::Draft7, field: None, previous, update, differences, compatible }
}

/// A row whose schemas are whole 2020-12 documents.
pub const fn whole_2020(
    name: &'static str,
    previous: &'static str,
    update: &'static str,
    differences: &'static [&'static str],
    compatible: bool,
) -> Case {
    Case { name, dialect: Dialect::Draft2020, field: None, previous, update, differences, compatible }
}

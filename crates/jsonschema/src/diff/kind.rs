//! The registry's difference types (`Difference.Type`), which of them are compatible
//! (`SchemaDiff.COMPATIBLE_CHANGES`), and a readable sentence for each.

macro_rules! difference_kinds {
    ($($name:ident),* $(,)?) => {
        /// One of the Schema Registry's JSON Schema difference types, named exactly as it names them.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DiffKind {
            $($name),*
        }

        impl DiffKind {
            /// Every difference type, in the registry's declaration order.
            pub const ALL: &'static [DiffKind] = &[$(DiffKind::$name),*];

            /// The registry's name, e.g. `PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL`.
            pub fn name(self) -> &'static str {
                match self {
                    $(DiffKind::$name => stringify!($name)),*
                }
            }
        }
    };
}

difference_kinds!(
    ID_CHANGED,
    DESCRIPTION_CHANGED,
    TITLE_CHANGED,
    DEFAULT_CHANGED,
    SCHEMA_ADDED,
    SCHEMA_REMOVED,
    TYPE_EXTENDED,
    TYPE_NARROWED,
    TYPE_CHANGED,
    MAX_LENGTH_ADDED,
    MAX_LENGTH_REMOVED,
    MAX_LENGTH_INCREASED,
    MAX_LENGTH_DECREASED,
    MIN_LENGTH_ADDED,
    MIN_LENGTH_REMOVED,
    MIN_LENGTH_INCREASED,
    MIN_LENGTH_DECREASED,
    PATTERN_ADDED,
    PATTERN_REMOVED,
    PATTERN_CHANGED,
    MAXIMUM_ADDED,
    MAXIMUM_REMOVED,
    MAXIMUM_INCREASED,
    MAXIMUM_DECREASED,
    MINIMUM_ADDED,
    MINIMUM_REMOVED,
    MINIMUM_INCREASED,
    MINIMUM_DECREASED,
    EXCLUSIVE_MAXIMUM_ADDED,
    EXCLUSIVE_MAXIMUM_REMOVED,
    EXCLUSIVE_MAXIMUM_INCREASED,
    EXCLUSIVE_MAXIMUM_DECREASED,
    EXCLUSIVE_MINIMUM_ADDED,
    EXCLUSIVE_MINIMUM_REMOVED,
    EXCLUSIVE_MINIMUM_INCREASED,
    EXCLUSIVE_MINIMUM_DECREASED,
    MULTIPLE_OF_ADDED,
    MULTIPLE_OF_REMOVED,
    MULTIPLE_OF_EXPANDED,
    MULTIPLE_OF_REDUCED,
    MULTIPLE_OF_CHANGED,
    REQUIRED_ATTRIBUTE_ADDED,
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    REQUIRED_ATTRIBUTE_REMOVED,
    MAX_PROPERTIES_ADDED,
    MAX_PROPERTIES_REMOVED,
    MAX_PROPERTIES_INCREASED,
    MAX_PROPERTIES_DECREASED,
    MIN_PROPERTIES_ADDED,
    MIN_PROPERTIES_REMOVED,
    MIN_PROPERTIES_INCREASED,
    MIN_PROPERTIES_DECREASED,
    ADDITIONAL_PROPERTIES_ADDED,
    ADDITIONAL_PROPERTIES_REMOVED,
    ADDITIONAL_PROPERTIES_EXTENDED,
    ADDITIONAL_PROPERTIES_NARROWED,
    DEPENDENCY_ARRAY_ADDED,
    DEPENDENCY_ARRAY_REMOVED,
    DEPENDENCY_ARRAY_EXTENDED,
    DEPENDENCY_ARRAY_NARROWED,
    DEPENDENCY_ARRAY_CHANGED,
    DEPENDENCY_SCHEMA_ADDED,
    DEPENDENCY_SCHEMA_REMOVED,
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    UNEVALUATED_PROPERTIES_ADDED,
    UNEVALUATED_PROPERTIES_REMOVED,
    UNEVALUATED_PROPERTIES_EXTENDED,
    UNEVALUATED_PROPERTIES_NARROWED,
    MAX_ITEMS_ADDED,
    MAX_ITEMS_REMOVED,
    MAX_ITEMS_INCREASED,
    MAX_ITEMS_DECREASED,
    MIN_ITEMS_ADDED,
    MIN_ITEMS_REMOVED,
    MIN_ITEMS_INCREASED,
    MIN_ITEMS_DECREASED,
    MAX_CONTAINS_ADDED,
    MAX_CONTAINS_REMOVED,
    MAX_CONTAINS_INCREASED,
    MAX_CONTAINS_DECREASED,
    MIN_CONTAINS_ADDED,
    MIN_CONTAINS_REMOVED,
    MIN_CONTAINS_INCREASED,
    MIN_CONTAINS_DECREASED,
    UNIQUE_ITEMS_ADDED,
    UNIQUE_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_ADDED,
    ADDITIONAL_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_EXTENDED,
    ADDITIONAL_ITEMS_NARROWED,
    UNEVALUATED_ITEMS_ADDED,
    UNEVALUATED_ITEMS_REMOVED,
    UNEVALUATED_ITEMS_EXTENDED,
    UNEVALUATED_ITEMS_NARROWED,
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ENUM_ARRAY_EXTENDED,
    ENUM_ARRAY_NARROWED,
    ENUM_ARRAY_CHANGED,
    COMBINED_TYPE_EXTENDED,
    COMBINED_TYPE_CHANGED,
    PRODUCT_TYPE_EXTENDED,
    PRODUCT_TYPE_NARROWED,
    SUM_TYPE_EXTENDED,
    SUM_TYPE_NARROWED,
    COMBINED_TYPE_SUBSCHEMAS_CHANGED,
    NOT_TYPE_EXTENDED,
    NOT_TYPE_NARROWED,
    // Not one of the registry's types: the comparison stopped at its size or depth limit, so
    // the verdict is "incompatible" rather than a guess.
    COMPARISON_LIMIT_EXCEEDED,
);

impl DiffKind {
    /// Whether the registry accepts this change under BACKWARD (`SchemaDiff.COMPATIBLE_CHANGES`).
    pub fn is_compatible(self) -> bool {
        use DiffKind::*;
        matches!(
            self,
            ID_CHANGED
                | DESCRIPTION_CHANGED
                | TITLE_CHANGED
                | DEFAULT_CHANGED
                | SCHEMA_REMOVED
                | TYPE_EXTENDED
                | MAX_LENGTH_INCREASED
                | MAX_LENGTH_REMOVED
                | MIN_LENGTH_DECREASED
                | MIN_LENGTH_REMOVED
                | PATTERN_REMOVED
                | MAXIMUM_INCREASED
                | MAXIMUM_REMOVED
                | MINIMUM_DECREASED
                | MINIMUM_REMOVED
                | EXCLUSIVE_MAXIMUM_INCREASED
                | EXCLUSIVE_MAXIMUM_REMOVED
                | EXCLUSIVE_MINIMUM_DECREASED
                | EXCLUSIVE_MINIMUM_REMOVED
                | MULTIPLE_OF_REDUCED
                | MULTIPLE_OF_REMOVED
                | REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                | REQUIRED_ATTRIBUTE_REMOVED
                | DEPENDENCY_ARRAY_NARROWED
                | DEPENDENCY_ARRAY_REMOVED
                | DEPENDENCY_SCHEMA_REMOVED
                | MAX_PROPERTIES_INCREASED
                | MAX_PROPERTIES_REMOVED
                | MIN_PROPERTIES_DECREASED
                | MIN_PROPERTIES_REMOVED
                | ADDITIONAL_PROPERTIES_ADDED
                | ADDITIONAL_PROPERTIES_EXTENDED
                | PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                | REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                | OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
                | PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                | PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL
                | PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | UNEVALUATED_PROPERTIES_ADDED
                | UNEVALUATED_PROPERTIES_EXTENDED
                | MAX_ITEMS_INCREASED
                | MAX_ITEMS_REMOVED
                | MIN_ITEMS_DECREASED
                | MIN_ITEMS_REMOVED
                | MAX_CONTAINS_INCREASED
                | MAX_CONTAINS_REMOVED
                | MIN_CONTAINS_DECREASED
                | MIN_CONTAINS_REMOVED
                | UNIQUE_ITEMS_REMOVED
                | ADDITIONAL_ITEMS_ADDED
                | ADDITIONAL_ITEMS_EXTENDED
                | UNEVALUATED_ITEMS_ADDED
                | UNEVALUATED_ITEMS_EXTENDED
                | ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                | ITEM_ADDED_TO_CLOSED_CONTENT_MODEL
                | ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                | ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL
                | ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | ENUM_ARRAY_EXTENDED
                | COMBINED_TYPE_EXTENDED
                | PRODUCT_TYPE_NARROWED
                | SUM_TYPE_EXTENDED
                | NOT_TYPE_NARROWED
        )
    }

    /// A sentence for a reader of a report: what changed at `path` between the previous schema
    /// and the update.
    pub fn describe(self, path: &str) -> String {
        use DiffKind::*;
        let keyword = |k: &str, what: &str| format!("'{k}' at '{path}' {what}");
        match self {
            ID_CHANGED => format!("The $id at '{path}' changed"),
            DESCRIPTION_CHANGED => format!("The description at '{path}' changed"),
            TITLE_CHANGED => format!("The title at '{path}' changed"),
            DEFAULT_CHANGED => format!("The default value at '{path}' changed"),
            SCHEMA_ADDED => format!("The update adds a schema at '{path}' where the previous schema accepted anything"),
            SCHEMA_REMOVED => format!("The update removes the schema at '{path}'"),
            TYPE_EXTENDED => format!("The type at '{path}' was widened from integer to number"),
            TYPE_NARROWED => format!(
                "The type at '{path}' was narrowed from number to integer; non-integers written \
                 with the previous schema are rejected"
            ),
            TYPE_CHANGED => format!("The type at '{path}' differs between the previous schema and the update"),
            MAX_LENGTH_ADDED
            | MIN_LENGTH_ADDED
            | PATTERN_ADDED
            | MAXIMUM_ADDED
            | MINIMUM_ADDED
            | EXCLUSIVE_MAXIMUM_ADDED
            | EXCLUSIVE_MINIMUM_ADDED
            | MULTIPLE_OF_ADDED
            | MAX_PROPERTIES_ADDED
            | MIN_PROPERTIES_ADDED
            | MAX_ITEMS_ADDED
            | MIN_ITEMS_ADDED
            | MAX_CONTAINS_ADDED
            | MIN_CONTAINS_ADDED
            | UNIQUE_ITEMS_ADDED => {
                format!("The keyword at '{path}' is new in the update; the previous schema did not have it")
            }
            MAX_LENGTH_REMOVED
            | MIN_LENGTH_REMOVED
            | PATTERN_REMOVED
            | MAXIMUM_REMOVED
            | MINIMUM_REMOVED
            | EXCLUSIVE_MAXIMUM_REMOVED
            | EXCLUSIVE_MINIMUM_REMOVED
            | MULTIPLE_OF_REMOVED
            | MAX_PROPERTIES_REMOVED
            | MIN_PROPERTIES_REMOVED
            | MAX_ITEMS_REMOVED
            | MIN_ITEMS_REMOVED
            | MAX_CONTAINS_REMOVED
            | MIN_CONTAINS_REMOVED
            | UNIQUE_ITEMS_REMOVED => {
                format!("The keyword at '{path}' was removed in the update")
            }
            MAX_LENGTH_INCREASED
            | MAXIMUM_INCREASED
            | EXCLUSIVE_MAXIMUM_INCREASED
            | MAX_PROPERTIES_INCREASED
            | MAX_ITEMS_INCREASED
            | MAX_CONTAINS_INCREASED
            | MIN_LENGTH_INCREASED
            | MINIMUM_INCREASED
            | EXCLUSIVE_MINIMUM_INCREASED
            | MIN_PROPERTIES_INCREASED
            | MIN_ITEMS_INCREASED
            | MIN_CONTAINS_INCREASED => {
                format!("The value at '{path}' is larger in the update than in the previous schema")
            }
            MAX_LENGTH_DECREASED
            | MAXIMUM_DECREASED
            | EXCLUSIVE_MAXIMUM_DECREASED
            | MAX_PROPERTIES_DECREASED
            | MAX_ITEMS_DECREASED
            | MAX_CONTAINS_DECREASED
            | MIN_LENGTH_DECREASED
            | MINIMUM_DECREASED
            | EXCLUSIVE_MINIMUM_DECREASED
            | MIN_PROPERTIES_DECREASED
            | MIN_ITEMS_DECREASED
            | MIN_CONTAINS_DECREASED => {
                format!("The value at '{path}' is smaller in the update than in the previous schema")
            }
            PATTERN_CHANGED => keyword("pattern", "differs between the previous schema and the update"),
            MULTIPLE_OF_EXPANDED => format!("The multipleOf at '{path}' became a multiple of its previous value"),
            MULTIPLE_OF_REDUCED => format!("The multipleOf at '{path}' became a divisor of its previous value"),
            MULTIPLE_OF_CHANGED => {
                keyword("multipleOf", "changed to a value that neither divides nor is a multiple of the previous one")
            }
            REQUIRED_ATTRIBUTE_ADDED => format!("The property at '{path}' became required without a default value"),
            REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED => {
                format!("The property at '{path}' became required and has a default value")
            }
            REQUIRED_ATTRIBUTE_REMOVED => format!("The property at '{path}' is no longer required"),
            ADDITIONAL_PROPERTIES_ADDED => {
                format!("The update allows additional properties at '{path}' that the previous schema forbade")
            }
            ADDITIONAL_PROPERTIES_REMOVED => {
                format!("The update forbids additional properties at '{path}' that the previous schema allowed")
            }
            ADDITIONAL_PROPERTIES_EXTENDED => {
                format!("The update drops the schema additional properties had to match at '{path}'")
            }
            ADDITIONAL_PROPERTIES_NARROWED => format!(
                "The update constrains additional properties at '{path}' with a schema the previous \
                 schema did not have"
            ),
            DEPENDENCY_ARRAY_ADDED => format!("The property dependency at '{path}' is new in the update"),
            DEPENDENCY_ARRAY_REMOVED => format!("The property dependency at '{path}' was removed"),
            DEPENDENCY_ARRAY_EXTENDED => {
                format!("The property dependency at '{path}' requires more properties in the update")
            }
            DEPENDENCY_ARRAY_NARROWED => {
                format!("The property dependency at '{path}' requires fewer properties in the update")
            }
            DEPENDENCY_ARRAY_CHANGED => {
                format!("The property dependency at '{path}' differs between the previous schema and the update")
            }
            DEPENDENCY_SCHEMA_ADDED => format!("The schema dependency at '{path}' is new in the update"),
            DEPENDENCY_SCHEMA_REMOVED => format!("The schema dependency at '{path}' was removed"),
            REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
            | REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
            | OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => format!(
                "The update adds the property at '{path}', but the previous schema has an open \
                 content model, so data written with it may hold that property with any value"
            ),
            PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => {
                format!("The update adds the property at '{path}' with an empty schema to an open content model")
            }
            REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => format!(
                "The update adds the required property at '{path}' without a default value, which \
                 data written with the previous schema does not have"
            ),
            REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL => {
                format!("The update adds the required property at '{path}' with a default value")
            }
            OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => {
                format!("The update adds the optional property at '{path}' to a closed content model")
            }
            PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL => {
                format!("The update removes the property at '{path}'; its open content model still accepts it")
            }
            PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => {
                format!("The update removes the forbidden (false) property at '{path}'")
            }
            PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => format!(
                "The update has a closed content model and removes the property at '{path}', so \
                 data written with the previous schema holding it is rejected"
            ),
            PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update removes the property at '{path}'; its pattern or additional properties \
                 schema still accepts it"
            ),
            PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update removes the property at '{path}' and its pattern or additional \
                 properties schema does not accept what the previous schema allowed there"
            ),
            PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update adds the property at '{path}', compatible with the previous schema's \
                 pattern or additional properties schema"
            ),
            PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update adds the property at '{path}', but the previous schema's pattern or \
                 additional properties schema allowed other values there"
            ),
            UNEVALUATED_PROPERTIES_ADDED | UNEVALUATED_ITEMS_ADDED => {
                format!("The update allows unevaluated content at '{path}' that the previous schema forbade")
            }
            UNEVALUATED_PROPERTIES_REMOVED | UNEVALUATED_ITEMS_REMOVED => {
                format!("The update forbids unevaluated content at '{path}' that the previous schema allowed")
            }
            UNEVALUATED_PROPERTIES_EXTENDED | UNEVALUATED_ITEMS_EXTENDED => {
                format!("The update relaxes the schema for unevaluated content at '{path}'")
            }
            UNEVALUATED_PROPERTIES_NARROWED | UNEVALUATED_ITEMS_NARROWED => {
                format!("The update constrains unevaluated content at '{path}' with a new schema")
            }
            ADDITIONAL_ITEMS_ADDED => {
                format!("The update allows additional items at '{path}' that the previous schema forbade")
            }
            ADDITIONAL_ITEMS_REMOVED => {
                format!("The update forbids additional items at '{path}' that the previous schema allowed")
            }
            ADDITIONAL_ITEMS_EXTENDED => {
                format!("The update drops the schema additional items had to match at '{path}'")
            }
            ADDITIONAL_ITEMS_NARROWED => format!(
                "The update constrains additional items at '{path}' with a schema the previous \
                 schema did not have"
            ),
            ITEM_ADDED_TO_OPEN_CONTENT_MODEL => format!(
                "The update adds the item at '{path}', but the previous schema has an open content \
                 model, so data written with it may hold any value there"
            ),
            ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => {
                format!("The update adds the item at '{path}' with an empty schema to an open content model")
            }
            ITEM_ADDED_TO_CLOSED_CONTENT_MODEL => {
                format!("The update adds the item at '{path}' to a closed content model")
            }
            ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL => {
                format!("The update removes the item at '{path}'; its open content model still accepts it")
            }
            ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => {
                format!("The update removes the forbidden (false) item at '{path}'")
            }
            ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL => format!(
                "The update has a closed content model and removes the item at '{path}', so data \
                 written with the previous schema holding it is rejected"
            ),
            ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => {
                format!("The update removes the item at '{path}'; its additional items schema still accepts it")
            }
            ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update removes the item at '{path}' and its additional items schema does not \
                 accept what the previous schema allowed there"
            ),
            ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update adds the item at '{path}', compatible with the previous schema's \
                 additional items schema"
            ),
            ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
                "The update adds the item at '{path}', but the previous schema's additional items \
                 schema allowed other values there"
            ),
            ENUM_ARRAY_EXTENDED => format!("The update allows more values at '{path}'"),
            ENUM_ARRAY_NARROWED => format!("The update allows fewer values at '{path}' than the previous schema"),
            ENUM_ARRAY_CHANGED => {
                format!("The allowed values at '{path}' differ between the previous schema and the update")
            }
            COMBINED_TYPE_EXTENDED => format!("The combination keyword at '{path}' changed to a more permissive one"),
            COMBINED_TYPE_CHANGED => {
                format!("The combination keyword at '{path}' (allOf/anyOf/oneOf) changed incompatibly")
            }
            PRODUCT_TYPE_EXTENDED => format!("The allOf at '{path}' has more subschemas in the update"),
            PRODUCT_TYPE_NARROWED => format!("The allOf at '{path}' has fewer subschemas in the update"),
            SUM_TYPE_EXTENDED => format!("The update allows more alternatives at '{path}'"),
            SUM_TYPE_NARROWED => format!("The update allows fewer alternatives at '{path}' than the previous schema"),
            COMBINED_TYPE_SUBSCHEMAS_CHANGED => format!(
                "The subschemas at '{path}' of the previous schema cannot all be matched to \
                 compatible subschemas of the update"
            ),
            NOT_TYPE_EXTENDED => format!("The 'not' schema at '{path}' excludes more values in the update"),
            NOT_TYPE_NARROWED => format!("The 'not' schema at '{path}' excludes fewer values in the update"),
            COMPARISON_LIMIT_EXCEEDED => format!(
                "The schemas at '{path}' are too large or too deeply recursive to compare; treated \
                 as incompatible"
            ),
        }
    }
}

//! Nullable wraps: `X` that became `oneOf: [{type: null}, X']` is one change that shows up as many
//! raw ones (type gone, values and constraints gone, alternatives added). As oasdiff does
//! (`diff/nullable_wrapping_diff.go`), the wrap is recognized by a few pure comparisons and
//! reported instead of the raw changes it explains.

use crate::model::*;

/// The schema has compositions of its own (a `oneOf` of bare types counts: the model keeps it
/// as a list of types).
fn composed(s: &Schema) -> bool {
    !s.all_of.is_empty()
        || !s.any_of.is_empty()
        || !s.one_of.is_empty()
        || s.not.is_some()
        || (s.union_types && !s.types.is_empty())
}

/// `wrapper` may be `plain` made nullable: a bare `oneOf: [{type: null}, X]` whose X is to be
/// compared with `plain` (returned). Only a plain schema without compositions that rejects null
/// qualifies: wrapping a nullable schema changes what `oneOf` accepts (null would match both
/// branches).
pub(in crate::diff) fn nullable_wrap_candidate(plain: &Schema, wrapper: &Schema) -> Option<SchemaId> {
    let payload = wrapper.null_wrap?;
    (!composed(plain) && !plain.nullable).then_some(payload)
}

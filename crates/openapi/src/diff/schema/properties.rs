//! Object properties: added, removed, required, read-only and write-only changes.

use crate::diff::{Differ, Scope, Side, Where};
use crate::model::*;

impl<'a> Differ<'a> {
    /// `moved`: properties of `old` that a oneOf wrapping moved into alternatives of `new` (see
    /// `wraps::one_of_wrapping`): not removed from the contract, so not reported as removed.
    pub(in crate::diff) fn properties(
        &mut self,
        scope: Scope,
        old: &Schema,
        new: &Schema,
        moved: &[String],
        w: &Where<'a>,
    ) {
        let nested = scope.nested();
        let request = scope.is_request();
        // `required` names without a declared property still constrain the payload.
        let declared = |n: &String| old.property(n).is_some() || new.property(n).is_some();
        if matches!(scope, Scope::RequestBody | Scope::RequestProperty | Scope::ResponseBody | Scope::ResponseProperty)
        {
            for name in new.required.iter().filter(|n| !old.required.contains(n) && !declared(n)) {
                let id = if request { "request-property-became-required" } else { "response-property-became-required" };
                let subject = format!("{} `{}` ({})", nested.noun(), w.with_property(name).property, w.label);
                self.emit_at(w, id, Side::New, new.loc, format!("{subject} became required"));
            }
            // A name dropped from `required` whose property only the new schema declares: a
            // response may now omit it (as oasdiff's `ResponsePropertyBecameOptionalCheck` has it
            // for a body); in a request the new property is reported as added.
            let dropped_for_response = |n: &String| !request && old.property(n).is_none();
            for name in
                old.required.iter().filter(|n| !new.required.contains(n) && (!declared(n) || dropped_for_response(n)))
            {
                let id = match new.property(name).map(|p| self.new.schema(p).write_only) {
                    _ if request => "request-property-became-optional",
                    Some(true) => "response-write-only-property-became-optional",
                    _ => "response-property-became-optional",
                };
                let subject = format!("{} `{}` ({})", nested.noun(), w.with_property(name).property, w.label);
                self.emit_at(w, id, Side::New, new.loc, format!("{subject} became optional"));
            }
        }
        let body_like = matches!(
            scope,
            Scope::RequestBody
                | Scope::RequestProperty
                | Scope::ResponseBody
                | Scope::ResponseProperty
                | Scope::ResponseHeader
        );
        for (name, id) in &old.properties {
            if new.property(name).is_some() || moved.contains(name) {
                continue;
            }
            let p = self.old.schema(*id);
            let required = old.required.contains(name);
            let pw = w.with_property(name);
            let subject = format!("{} `{}` ({})", nested.noun(), pw.property, w.label);
            let id = if request {
                if !body_like || p.read_only {
                    continue;
                }
                "request-property-removed"
            } else if p.write_only {
                if required {
                    "response-required-write-only-property-removed"
                } else {
                    "response-optional-write-only-property-removed"
                }
            } else if required {
                "response-required-property-removed"
            } else {
                "response-optional-property-removed"
            };
            self.emit_at(w, id, Side::Old, p.loc, format!("{subject} removed"));
        }
        let header_param =
            matches!(scope, Scope::RequestParameter | Scope::RequestParameterProperty) && w.env.header_param;
        for (name, id) in &new.properties {
            let p = self.new.schema(*id);
            let required = new.required.contains(name);
            if header_param && required {
                let subject = format!("header parameter property `{}` ({})", w.with_property(name).property, w.label);
                match old.property(name) {
                    None => {
                        let message = format!("{subject} added as required");
                        self.emit_at(w, "new-required-request-header-property", Side::New, p.loc, message)
                    }
                    Some(_) if !old.required.contains(name) => {
                        let message = format!("{subject} became required");
                        self.emit_at(w, "request-header-property-became-required", Side::New, p.loc, message)
                    }
                    _ => {}
                }
            }
            let pw = w.with_property(name);
            let subject = format!("{} `{}` ({})", nested.noun(), pw.property, w.label);
            let Some(old_id) = old.property(name) else {
                let id = if request {
                    if !body_like || p.read_only {
                        continue;
                    }
                    match (required, p.default.is_some()) {
                        (true, true) => "new-required-request-property-with-default",
                        (true, false) => "new-required-request-property",
                        (false, _) => "new-optional-request-property",
                    }
                } else if p.write_only {
                    if required {
                        "response-required-write-only-property-added"
                    } else {
                        "response-optional-write-only-property-added"
                    }
                } else if required {
                    "response-required-property-added"
                } else {
                    "response-optional-property-added"
                };
                self.emit_at(w, id, Side::New, p.loc, format!("{subject} added"));
                continue;
            };
            let prev = self.old.schema(old_id);
            let was_required = old.required.contains(name);
            if body_like && was_required != required {
                let id = match (request, required) {
                    (true, true) if p.default.is_some() => "request-property-became-required-with-default",
                    (true, true) => "request-property-became-required",
                    (true, false) => "request-property-became-optional",
                    (false, true) if p.write_only => "response-write-only-property-became-required",
                    (false, false) if p.write_only => "response-write-only-property-became-optional",
                    (false, true) => "response-property-became-required",
                    (false, false) => "response-property-became-optional",
                };
                if !(request && p.read_only) {
                    let verb = if required { "required" } else { "optional" };
                    self.emit_at(w, id, Side::New, p.loc, format!("{subject} became {verb}"));
                }
            }
            if body_like {
                let side = if request { "request" } else { "response" };
                let req = if required { "required" } else { "optional" };
                for (flag, before, after) in
                    [("read-only", prev.read_only, p.read_only), ("write-only", prev.write_only, p.write_only)]
                {
                    if before != after {
                        let change = if after { format!("became-{flag}") } else { format!("became-not-{flag}") };
                        let id = format!("{side}-{req}-property-{change}");
                        if crate::checks::level_of(&id).is_some() {
                            self.emit_at(w, &id, Side::New, p.loc, format!("{subject} {}", change.replace('-', " ")));
                        }
                    }
                }
            }
            self.schema(nested, old_id, *id, &pw);
        }
    }
}

//! Service and RPC rules.

use super::{ALL_FOUR, At, Check, FILE_PACKAGE, MethodRef, Out, Rule, ServiceRef};
use crate::ast::find_option;

pub const RPC_NO_DELETE: Rule = Rule::new(
    "RPC_NO_DELETE",
    "Checks that RPCs are not deleted from a given service.",
    FILE_PACKAGE,
    Check::Services(rpc_no_delete),
);

fn rpc_no_delete(prev: ServiceRef, cur: ServiceRef, out: &mut Out) {
    for m in &prev.service.methods {
        if !cur.service.methods.iter().any(|c| c.name == m.name) {
            out.add(
                At::Span(cur.file, cur.service.span),
                Some(prev.file),
                format!("Previously present RPC \"{}\" on service \"{}\" was deleted.", m.name, cur.service.name),
            );
        }
    }
}

fn streaming(streaming: bool) -> &'static str {
    if streaming { "streaming" } else { "unary" }
}

pub const RPC_SAME_CLIENT_STREAMING: Rule = Rule::new(
    "RPC_SAME_CLIENT_STREAMING",
    "Checks that RPCs have the same client streaming value.",
    ALL_FOUR.csr(),
    Check::Methods(|prev, cur, out| {
        if prev.method.client_streaming != cur.method.client_streaming {
            let message = format!(
                "RPC \"{}\" on service \"{}\" changed from client {} to client {}.",
                cur.method.name,
                cur.service.name,
                streaming(prev.method.client_streaming),
                streaming(cur.method.client_streaming)
            );
            out.add(At::Span(cur.file, cur.method.span), Some(prev.file), message);
        }
    }),
);

pub const RPC_SAME_SERVER_STREAMING: Rule = Rule::new(
    "RPC_SAME_SERVER_STREAMING",
    "Checks that RPCs have the same server streaming value.",
    ALL_FOUR.csr(),
    Check::Methods(|prev, cur, out| {
        if prev.method.server_streaming != cur.method.server_streaming {
            let message = format!(
                "RPC \"{}\" on service \"{}\" changed from server {} to server {}.",
                cur.method.name,
                cur.service.name,
                streaming(prev.method.server_streaming),
                streaming(cur.method.server_streaming)
            );
            out.add(At::Span(cur.file, cur.method.span), Some(prev.file), message);
        }
    }),
);

pub const RPC_SAME_REQUEST_TYPE: Rule = Rule::new(
    "RPC_SAME_REQUEST_TYPE",
    "Checks that RPCs have the same request type.",
    ALL_FOUR.csr(),
    Check::Methods(|prev, cur, out| {
        if prev.method.input_full != cur.method.input_full {
            let message = format!(
                "RPC \"{}\" on service \"{}\" changed request type from \"{}\" to \"{}\".",
                cur.method.name, cur.service.name, prev.method.input_full, cur.method.input_full
            );
            out.add(At::Span(cur.file, cur.method.input_span), Some(prev.file), message);
        }
    }),
);

pub const RPC_SAME_RESPONSE_TYPE: Rule = Rule::new(
    "RPC_SAME_RESPONSE_TYPE",
    "Checks that RPCs have the same response type.",
    ALL_FOUR.csr(),
    Check::Methods(|prev, cur, out| {
        if prev.method.output_full != cur.method.output_full {
            let message = format!(
                "RPC \"{}\" on service \"{}\" changed response type from \"{}\" to \"{}\".",
                cur.method.name, cur.service.name, prev.method.output_full, cur.method.output_full
            );
            out.add(At::Span(cur.file, cur.method.output_span), Some(prev.file), message);
        }
    }),
);

pub const RPC_SAME_IDEMPOTENCY_LEVEL: Rule = Rule::new(
    "RPC_SAME_IDEMPOTENCY_LEVEL",
    "Checks that RPCs have the same value for the idempotency_level option.",
    ALL_FOUR.csr(),
    Check::Methods(rpc_same_idempotency_level),
);

fn rpc_same_idempotency_level(prev: MethodRef, cur: MethodRef, out: &mut Out) {
    let level = |m: MethodRef| {
        find_option(&m.method.options, &["idempotency_level"])
            .map(|o| (o.value.as_ident().unwrap_or("IDEMPOTENCY_UNKNOWN").to_string(), Some(o.span)))
            .unwrap_or(("IDEMPOTENCY_UNKNOWN".to_string(), None))
    };
    let ((before, _), (after, span)) = (level(prev), level(cur));
    if before != after {
        let at = match span {
            Some(s) => At::Span(cur.file, s),
            None => At::File(cur.file),
        };
        out.add(
            at,
            Some(prev.file),
            format!(
                "RPC \"{}\" on service \"{}\" changed option \"idempotency_level\" from \"{before}\" to \"{after}\".",
                cur.method.name, cur.service.name
            ),
        );
    }
}

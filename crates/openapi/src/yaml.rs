//! A YAML 1.2 / JSON tree with source positions, built from saphyr-parser's event stream.
//! Keys are kept as written (`200:` stays the string "200"); YAML 1.2 has no `on`/`yes`
//! booleans, so YAML 1.1 surprises do not happen.

use saphyr_parser::{Event, Parser, ScalarStyle};

/// 1-based line and column of a node's first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, with its text (to print it as written).
    Number(f64, String),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Position of the key this node is the value of (for findings that point at a key).
    pub key_pos: Option<Pos>,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n, _) => Some(*n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }
    /// Position to report for this node: its key when it has one.
    pub fn report_pos(&self) -> Pos {
        self.key_pos.unwrap_or(self.pos)
    }
    /// A canonical text form (for comparing defaults, enums, examples).
    pub fn canonical(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n, _) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    n.to_string()
                }
            }
            Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
            Value::Seq(v) => format!("[{}]", v.iter().map(Node::canonical).collect::<Vec<_>>().join(",")),
            Value::Map(e) => {
                let mut parts: Vec<String> = e
                    .iter()
                    .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap_or_default(), v.canonical()))
                    .collect();
                parts.sort();
                format!("{{{}}}", parts.join(","))
            }
        }
    }
}

/// A YAML or JSON syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {message}", pos.line, pos.column)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

/// Upper bound on nodes, so alias expansion ("billion laughs") cannot exhaust memory; the JSON
/// parser applies it too, to bound the tree built from a large file.
pub(crate) const MAX_NODES: usize = 5_000_000;
/// Upper bound on nodes copied by alias expansion, checked before copying: a "billion laughs"
/// document is refused at once instead of after gigabytes of copies. Real specs that reuse
/// parts through anchors stay far below it.
const MAX_ALIAS_NODES: usize = 1_000_000;
/// Upper bound on nesting, so deep input cannot overflow the stack of later passes.
pub(crate) const MAX_DEPTH: usize = 512;
/// Largest document text accepted by either parser (YAML or JSON). Specs are a few MB even for
/// the largest public APIs; the bound keeps a runaway or hostile file from being parsed into a
/// tree many times its size.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;

/// Refuses a text of `len` bytes over [`MAX_DOCUMENT_BYTES`], before any parsing work is done.
/// Takes the length (not the text) so the limit can be tested without allocating 256 MiB.
pub(crate) fn check_size(len: usize) -> Result<(), ParseError> {
    if len > MAX_DOCUMENT_BYTES {
        return Err(ParseError {
            pos: Pos { line: 1, column: 1 },
            message: format!("document is {len} bytes, over the limit of {} MiB", MAX_DOCUMENT_BYTES / (1024 * 1024)),
        });
    }
    Ok(())
}

fn scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let numeric = text.trim_start_matches(['-', '+']);
    let looks_numeric = numeric.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && numeric.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'));
    if looks_numeric {
        if let Some(hex) = numeric.strip_prefix("0x").and_then(|h| i64::from_str_radix(h, 16).ok()) {
            let v = if text.starts_with('-') { -hex } else { hex };
            return Value::Number(v as f64, text.to_string());
        }
        if let Some(oct) = numeric.strip_prefix("0o").and_then(|o| i64::from_str_radix(o, 8).ok()) {
            let v = if text.starts_with('-') { -oct } else { oct };
            return Value::Number(v as f64, text.to_string());
        }
        if let Ok(v) = text.parse::<f64>() {
            return Value::Number(v, text.to_string());
        }
    }
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" => Value::Number(f64::INFINITY, text.into()),
        "-.inf" | "-.Inf" | "-.INF" => Value::Number(f64::NEG_INFINITY, text.into()),
        ".nan" | ".NaN" | ".NAN" => Value::Number(f64::NAN, text.into()),
        _ => Value::String(text.to_string()),
    }
}

enum Frame {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<(String, Node)>, Pos, Option<(String, Pos)>, usize),
}

/// Parses the first document of a YAML (or JSON) text.
/// A leading UTF-8 byte order mark is accepted (saphyr skips it without counting a column).
pub fn parse(text: &str) -> Result<Node, ParseError> {
    check_size(text.len())?;
    let mut stack: Vec<Frame> = Vec::new();
    // Anchored nodes with their sizes, so that an alias is priced before it is copied.
    let mut anchors: std::collections::HashMap<usize, (Node, usize)> = std::collections::HashMap::new();
    let mut alias_nodes = 0usize;
    let mut count = 0usize;
    let mut root: Option<Node> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ParseError {
            pos: Pos { line: e.marker().line() as u32, column: e.marker().col() as u32 + 1 },
            message: e.info().to_string(),
        })?;
        let pos = Pos { line: span.start.line() as u32, column: span.start.col() as u32 + 1 };
        let node = match event {
            Event::Scalar(text, style, anchor, _) => {
                let node = Node { value: scalar(&text, style), pos, key_pos: None };
                if anchor > 0 {
                    anchors.insert(anchor, (node.clone(), size(&node)));
                }
                Some((node, anchor))
            }
            Event::Alias(id) => {
                let (node, n) = anchors.get(&id).ok_or_else(|| ParseError { pos, message: "unknown alias".into() })?;
                alias_nodes += n;
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(ParseError {
                        pos,
                        message: format!(
                            "aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); refusing the document"
                        ),
                    });
                }
                let node = node.clone();
                count += n;
                Some((node, 0))
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError { pos, message: format!("nesting deeper than {MAX_DEPTH} levels") });
                }
                stack.push(Frame::Seq(Vec::new(), pos, anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError { pos, message: format!("nesting deeper than {MAX_DEPTH} levels") });
                }
                stack.push(Frame::Map(Vec::new(), pos, None, anchor));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, start, anchor)) => {
                    let node = Node { value: Value::Seq(items), pos: start, key_pos: None };
                    if anchor > 0 {
                        anchors.insert(anchor, (node.clone(), size(&node)));
                    }
                    Some((node, anchor))
                }
                _ => {
                    return Err(ParseError { pos, message: "unbalanced sequence".into() });
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, start, _, anchor)) => {
                    let node = Node { value: Value::Map(entries), pos: start, key_pos: None };
                    if anchor > 0 {
                        anchors.insert(anchor, (node.clone(), size(&node)));
                    }
                    Some((node, anchor))
                }
                _ => {
                    return Err(ParseError { pos, message: "unbalanced mapping".into() });
                }
            },
            Event::DocumentEnd if root.is_some() => break,
            _ => None,
        };
        let Some((mut node, _)) = node else { continue };
        count += 1;
        if count > MAX_NODES {
            return Err(ParseError { pos, message: "document too large (alias expansion?)".into() });
        }
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq(items, _, _)) => items.push(node),
            Some(Frame::Map(entries, _, pending, _)) => match pending.take() {
                None => {
                    let key = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Number(_, t) => t.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => {
                            return Err(ParseError {
                                pos: node.pos,
                                message: "complex mapping keys are not supported".into(),
                            });
                        }
                    };
                    *pending = Some((key, node.pos));
                }
                Some((key, key_pos)) => {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(ParseError { pos: key_pos, message: format!("duplicate key \"{key}\"") });
                    }
                    node.key_pos = Some(key_pos);
                    entries.push((key, node));
                }
            },
        }
    }
    Ok(root.unwrap_or(Node { value: Value::Null, pos: Pos { line: 1, column: 1 }, key_pos: None }))
}

fn size(node: &Node) -> usize {
    match &node.value {
        Value::Seq(v) => 1 + v.iter().map(size).sum::<usize>(),
        Value::Map(e) => 1 + e.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_text_and_positions_are_one_based() {
        let doc = parse("responses:\n  200:\n    description: ok\n  '404': {}\non: yes\n").unwrap();
        let responses = doc.get("responses").unwrap();
        let keys: Vec<_> = responses.entries().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["200", "404"]);
        assert_eq!(responses.get("200").unwrap().key_pos, Some(Pos { line: 2, column: 3 }));
        assert_eq!(doc.get("on").unwrap().str(), Some("yes"));
    }

    #[test]
    fn json_is_yaml() {
        let doc = parse("{\"a\": [1, 2.5, \"x\", null, true]}").unwrap();
        assert_eq!(doc.get("a").unwrap().items().len(), 5);
    }

    #[test]
    fn errors_have_positions() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.pos.line >= 1 && err.pos.column >= 1, "{err:?}");
        let dup = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(dup.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn oversized_documents_are_refused_before_parsing() {
        assert!(check_size(MAX_DOCUMENT_BYTES).is_ok());
        let err = check_size(MAX_DOCUMENT_BYTES + 1).unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, column: 1 });
        assert!(err.message.contains("over the limit of 256 MiB"), "{err}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err:?}");
        // Refused when the expansions would pass the bound, before copying: among the aliases of
        // the ~10^5-node anchor (line 6), not after millions of copied nodes.
        assert_eq!(err.pos.line, 6, "{err:?}");
    }

    #[test]
    fn ordinary_anchors_are_expanded() {
        let doc = parse("base: &err {type: object, properties: {code: {type: integer}}}\na: *err\nb: *err\n").unwrap();
        assert_eq!(doc.get("a").unwrap().get("type").unwrap().str(), Some("object"));
        assert_eq!(doc.get("b").unwrap().get("properties").unwrap().entries().len(), 1);
    }
}

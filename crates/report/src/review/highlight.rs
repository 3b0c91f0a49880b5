//! Small line tokenizers for syntax highlighting: Protobuf, YAML (OpenAPI) and JSON (Avro, JSON
//! Schema, OpenAPI in JSON). They only colour text, so they are forgiving: whatever they do not
//! recognise is plain text, and the concatenated tokens always give back the line unchanged.

/// The syntax of a schema file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Protobuf,
    Yaml,
    Json,
    Plain,
}

impl Syntax {
    /// From a file name: `.proto`, `.yaml`/`.yml`, `.json`/`.avsc`.
    pub fn of_path(path: &str) -> Syntax {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "proto" => Syntax::Protobuf,
            "yaml" | "yml" => Syntax::Yaml,
            "json" | "avsc" => Syntax::Json,
            _ => Syntax::Plain,
        }
    }

    /// Lower-case name, for CSS classes and labels.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Protobuf => "protobuf",
            Syntax::Yaml => "yaml",
            Syntax::Json => "json",
            Syntax::Plain => "text",
        }
    }
}

/// What a token is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Plain,
    Keyword,
    /// A scalar type (`int64`, `string`) or a YAML/JSON key.
    Type,
    Key,
    Str,
    Number,
    Comment,
    Punct,
}

impl TokenKind {
    /// Short CSS class name (`None` for plain text).
    pub fn class(self) -> Option<&'static str> {
        match self {
            TokenKind::Plain => None,
            TokenKind::Keyword => Some("kw"),
            TokenKind::Type => Some("ty"),
            TokenKind::Key => Some("key"),
            TokenKind::Str => Some("str"),
            TokenKind::Number => Some("num"),
            TokenKind::Comment => Some("com"),
            TokenKind::Punct => Some("pun"),
        }
    }
}

/// A slice of a line and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
}

const PROTO_KEYWORDS: &[&str] = &[
    "syntax",
    "edition",
    "package",
    "import",
    "option",
    "message",
    "enum",
    "service",
    "rpc",
    "returns",
    "stream",
    "oneof",
    "map",
    "repeated",
    "optional",
    "required",
    "reserved",
    "extend",
    "extensions",
    "to",
    "max",
    "weak",
    "public",
    "true",
    "false",
    "group",
];
const PROTO_TYPES: &[&str] = &[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
    "sfixed64", "bool", "string", "bytes",
];

/// Tokens of each line of `text`; a Protobuf block comment may span lines.
pub fn tokenize(syntax: Syntax, text: &str) -> Vec<Vec<Token<'_>>> {
    let mut in_block_comment = false;
    text.lines()
        .map(|line| match syntax {
            Syntax::Protobuf => proto_line(line, &mut in_block_comment),
            Syntax::Yaml => yaml_line(line),
            Syntax::Json => json_line(line),
            Syntax::Plain => vec![Token { kind: TokenKind::Plain, text: line }],
        })
        .collect()
}

/// The length of the quoted string starting at `s[0]` (the quote), closing quote included;
/// the rest of the line when it does not close.
fn quoted_len(s: &str) -> usize {
    let quote = s.as_bytes()[0];
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

fn word_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).unwrap_or(s.len())
}

fn number_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+')).unwrap_or(s.len())
}

fn proto_line<'a>(line: &'a str, in_block: &mut bool) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        if *in_block {
            match rest.find("*/") {
                Some(end) => {
                    out.push(Token { kind: TokenKind::Comment, text: &rest[..end + 2] });
                    rest = &rest[end + 2..];
                    *in_block = false;
                }
                None => {
                    out.push(Token { kind: TokenKind::Comment, text: rest });
                    break;
                }
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        let len = if rest.starts_with("//") {
            out.push(Token { kind: TokenKind::Comment, text: rest });
            break;
        } else if rest.starts_with("/*") {
            *in_block = true;
            out.push(Token { kind: TokenKind::Comment, text: &rest[..2] });
            rest = &rest[2..];
            continue;
        } else if c == '"' || c == '\'' {
            let n = quoted_len(rest);
            out.push(Token { kind: TokenKind::Str, text: &rest[..n] });
            n
        } else if c.is_ascii_digit() || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit())) {
            let n = 1 + number_len(&rest[1..]);
            out.push(Token { kind: TokenKind::Number, text: &rest[..n] });
            n
        } else if c.is_alphabetic() || c == '_' {
            let n = word_len(rest);
            let word = &rest[..n];
            let kind = if PROTO_KEYWORDS.contains(&word) {
                TokenKind::Keyword
            } else if PROTO_TYPES.contains(&word) {
                TokenKind::Type
            } else {
                TokenKind::Plain
            };
            out.push(Token { kind, text: word });
            n
        } else if "{}[]()<>;=,".contains(c) {
            out.push(Token { kind: TokenKind::Punct, text: &rest[..1] });
            1
        } else {
            let n =
                rest.find(|ch: char| ch.is_alphanumeric() || "{}[]()<>;=,\"'/_-".contains(ch)).unwrap_or(rest.len());
            let n = n.max(c.len_utf8());
            out.push(Token { kind: TokenKind::Plain, text: &rest[..n] });
            n
        };
        rest = &rest[len..];
    }
    out
}

fn yaml_line(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let body_start = line.len() - line.trim_start().len();
    out.push(Token { kind: TokenKind::Plain, text: &line[..body_start] });
    let mut rest = &line[body_start..];
    if rest.starts_with('#') {
        out.push(Token { kind: TokenKind::Comment, text: rest });
        return clean(out);
    }
    if let Some(item) = rest.strip_prefix("- ") {
        out.push(Token { kind: TokenKind::Punct, text: &rest[..2] });
        rest = item;
    }
    // `key:` at the start (plain or quoted key).
    let key_len = if rest.starts_with('"') || rest.starts_with('\'') {
        let n = quoted_len(rest);
        rest[n..].starts_with(':').then_some(n)
    } else {
        rest.char_indices()
            .find(|&(i, ch)| ch == ':' && (rest[i + 1..].is_empty() || rest[i + 1..].starts_with(' ')))
            .map(|(i, _)| i)
            .filter(|&i| i > 0 && !rest.starts_with(['{', '[', '#']))
    };
    if let Some(n) = key_len {
        out.push(Token { kind: TokenKind::Key, text: &rest[..n] });
        out.push(Token { kind: TokenKind::Punct, text: &rest[n..n + 1] });
        rest = &rest[n + 1..];
    }
    yaml_value(rest, &mut out);
    clean(out)
}

fn yaml_value<'a>(value: &'a str, out: &mut Vec<Token<'a>>) {
    let (body, comment) = match value.find(" #") {
        Some(i) if !value[..i].contains(['"', '\'']) => (&value[..i], &value[i..]),
        _ => (value, ""),
    };
    let lead = body.len() - body.trim_start().len();
    out.push(Token { kind: TokenKind::Plain, text: &body[..lead] });
    let v = &body[lead..];
    let trimmed = v.trim_end();
    let kind = if trimmed.starts_with(['"', '\'']) {
        TokenKind::Str
    } else if matches!(trimmed, "true" | "false" | "null" | "~") {
        TokenKind::Keyword
    } else if !trimmed.is_empty() && trimmed.parse::<f64>().is_ok() {
        TokenKind::Number
    } else if trimmed.starts_with(['|', '>', '{', '[', '&', '*']) {
        TokenKind::Punct
    } else {
        TokenKind::Str
    };
    out.push(Token { kind, text: v });
    out.push(Token { kind: TokenKind::Comment, text: comment });
}

fn json_line(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        let n = if c == '"' {
            let n = quoted_len(rest);
            let is_key = rest[n..].trim_start().starts_with(':');
            out.push(Token { kind: if is_key { TokenKind::Key } else { TokenKind::Str }, text: &rest[..n] });
            n
        } else if c.is_ascii_digit() || c == '-' {
            let n = 1 + number_len(&rest[1..]);
            out.push(Token { kind: TokenKind::Number, text: &rest[..n] });
            n
        } else if rest.starts_with("true") || rest.starts_with("null") {
            out.push(Token { kind: TokenKind::Keyword, text: &rest[..4] });
            4
        } else if rest.starts_with("false") {
            out.push(Token { kind: TokenKind::Keyword, text: &rest[..5] });
            5
        } else if "{}[]:,".contains(c) {
            out.push(Token { kind: TokenKind::Punct, text: &rest[..1] });
            1
        } else {
            // Whitespace runs, or one character of anything unexpected.
            let n = if c.is_whitespace() {
                rest.find(|ch: char| !ch.is_whitespace()).unwrap_or(rest.len())
            } else {
                c.len_utf8()
            };
            out.push(Token { kind: TokenKind::Plain, text: &rest[..n] });
            n
        };
        rest = &rest[n..];
    }
    out
}

fn clean(tokens: Vec<Token<'_>>) -> Vec<Token<'_>> {
    tokens.into_iter().filter(|t| !t.text.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(syntax: Syntax, line: &str) -> Vec<(TokenKind, String)> {
        let lines = tokenize(syntax, line);
        let tokens = &lines[0];
        assert_eq!(tokens.iter().map(|t| t.text).collect::<String>(), line, "tokens give back the line");
        tokens.iter().filter(|t| t.kind != TokenKind::Plain).map(|t| (t.kind, t.text.to_string())).collect()
    }

    #[test]
    fn protobuf_field_with_comment() {
        let k = kinds(Syntax::Protobuf, "  repeated int64 quantity = 2; // units");
        assert!(k.contains(&(TokenKind::Keyword, "repeated".into())));
        assert!(k.contains(&(TokenKind::Type, "int64".into())));
        assert!(k.contains(&(TokenKind::Number, "2".into())));
        assert!(k.contains(&(TokenKind::Comment, "// units".into())));
    }

    #[test]
    fn protobuf_block_comment_spans_lines() {
        let lines = tokenize(Syntax::Protobuf, "/* a\n b */ message X {}");
        assert_eq!(lines[1][0], Token { kind: TokenKind::Comment, text: " b */" });
        assert!(lines[1].iter().any(|t| t.kind == TokenKind::Keyword && t.text == "message"));
    }

    #[test]
    fn yaml_key_value_and_comment() {
        let k = kinds(Syntax::Yaml, "    type: integer # cents");
        assert_eq!(k[0], (TokenKind::Key, "type".into()));
        assert!(k.contains(&(TokenKind::Comment, " # cents".into())));
        let k = kinds(Syntax::Yaml, "        - $ref: '#/components/schemas/Order'");
        assert!(k.contains(&(TokenKind::Key, "$ref".into())));
        assert!(k.contains(&(TokenKind::Str, "'#/components/schemas/Order'".into())));
        kinds(Syntax::Yaml, "'200':");
        kinds(Syntax::Yaml, "ünïcode: wört # ß");
    }

    #[test]
    fn every_line_of_every_example_file_comes_back_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        let mut stack = vec![root.join("schemas"), root.join("contracts"), root.join("ci-templates")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() { stack.push(p) } else { files.push(p) }
            }
        }
        assert!(files.len() > 10);
        let weird = "\"\u{e9}\\\"x\n'\n- \"k\": \n/* \u{1F600} */ -\n: :\n\"a\":-\n#\n{\"\u{e9}\":[-1e9,\u{e9}]}\n";
        for (path, text) in files
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
            .chain(std::iter::once(("weird".to_string(), weird.to_string())))
        {
            for syntax in [Syntax::Protobuf, Syntax::Yaml, Syntax::Json, Syntax::of_path(&path)] {
                for (line, tokens) in text.lines().zip(tokenize(syntax, &text)) {
                    assert_eq!(tokens.iter().map(|t| t.text).collect::<String>(), line, "{path} as {syntax:?}");
                }
            }
        }
    }

    #[test]
    fn json_keys_and_strings() {
        let k = kinds(Syntax::Json, r#"  {"name": "amount", "type": ["null", "long"], "default": -1.5e3, "x": true}"#);
        assert!(k.contains(&(TokenKind::Key, "\"name\"".into())));
        assert!(k.contains(&(TokenKind::Str, "\"amount\"".into())));
        assert!(k.contains(&(TokenKind::Number, "-1.5e3".into())));
        assert!(k.contains(&(TokenKind::Keyword, "true".into())));
        kinds(Syntax::Json, "\"unterminated \\\" ü");
    }
}

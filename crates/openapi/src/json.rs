//! A strict JSON (RFC 8259) parser that builds the same positioned tree as [`crate::yaml`].
//!
//! JSON used to go through the YAML parser, which refuses valid JSON (saphyr rejects the UTF-16
//! surrogate pairs JSON needs for characters outside the BMP, such as `"\ud83d\udc4d"`) and
//! accepts invalid JSON (trailing commas, comments). Positions follow saphyr's conventions so
//! that a finding in a JSON file points at the same place whichever parser read it: lines are
//! 1-based and a CR, LF or CRLF ends one line; columns are 1-based and count characters, not
//! bytes (a tab is one column, a leading byte order mark none); a node is at its first
//! character and a map value's `key_pos` is the opening quote of its key.
//!
//! The parser is iterative (an explicit stack of open arrays and objects), so deep nesting is a
//! clean error at [`MAX_DEPTH`] and never a stack overflow.

use std::collections::HashSet;

use crate::yaml::{MAX_DEPTH, MAX_NODES, Node, ParseError, Pos, Value, check_size};

const BOM: &[u8] = "\u{feff}".as_bytes();
/// Up to this many entries a map is searched for a duplicate key; past it, a hash set is kept,
/// so objects with thousands of keys (`paths`, `schemas`) do not cost quadratic time.
const SCAN_LIMIT: usize = 16;

/// Parses a JSON text into a tree with positions.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    check_size(text.len())?;
    Parser::new(text).document()
}

/// An object being read: its entries so far, and the key waiting for its value.
struct Object {
    entries: Vec<(String, Node)>,
    pos: Pos,
    key: Option<(String, Pos)>,
    /// Every key, once the object is past [`SCAN_LIMIT`] entries.
    index: Option<HashSet<String>>,
}

impl Object {
    fn is_duplicate(&mut self, key: &str) -> bool {
        if self.index.is_none() && self.entries.len() >= SCAN_LIMIT {
            self.index = Some(self.entries.iter().map(|(k, _)| k.clone()).collect());
        }
        match &mut self.index {
            Some(index) => !index.insert(key.to_string()),
            None => self.entries.iter().any(|(k, _)| k == key),
        }
    }
}

enum Frame {
    Array(Vec<Node>, Pos),
    Object(Object),
}

impl Frame {
    /// The opening bracket and its position, for "is not closed" messages.
    fn open(&self) -> (char, Pos) {
        match self {
            Frame::Array(_, pos) => ('[', *pos),
            Frame::Object(object) => ('{', object.pos),
        }
    }

    fn finish(self) -> Node {
        match self {
            Frame::Array(items, pos) => Node { value: Value::Seq(items), pos, key_pos: None },
            Frame::Object(object) => Node { value: Value::Map(object.entries), pos: object.pos, key_pos: None },
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Byte offset of the next unread byte.
    i: usize,
    line: u32,
    /// Byte offset where the current line starts.
    line_start: usize,
    /// The last column computed on the current line and its byte offset: positions are asked
    /// for in increasing order, so counting on from there keeps a long (minified) line linear.
    col_at: usize,
    col: u32,
    nodes: usize,
}

/// Characters in some UTF-8 bytes: every byte except continuation bytes (`10xxxxxx`) starts one.
fn chars_in(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count() as u32
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        // A byte order mark is skipped and takes no column, as in saphyr.
        let start = if text.as_bytes().starts_with(BOM) { BOM.len() } else { 0 };
        Parser { text, bytes: text.as_bytes(), i: start, line: 1, line_start: start, col_at: start, col: 1, nodes: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    /// Position of byte offset `at`, which must be on the current line.
    fn pos(&mut self, at: usize) -> Pos {
        if at < self.col_at {
            (self.col_at, self.col) = (self.line_start, 1);
        }
        self.col += chars_in(self.bytes.get(self.col_at..at).unwrap_or_default());
        self.col_at = at;
        Pos { line: self.line, column: self.col }
    }

    fn error(&mut self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError { pos: self.pos(at), message: message.into() }
    }

    fn new_line(&mut self) {
        self.line += 1;
        (self.line_start, self.col_at, self.col) = (self.i, self.i, 1);
    }

    /// Skips JSON whitespace: space, tab, and line ends (LF, CR, CRLF each end one line).
    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.new_line();
                }
                b'\r' => {
                    self.i += 1;
                    if self.peek() == Some(b'\n') {
                        self.i += 1;
                    }
                    self.new_line();
                }
                _ => break,
            }
        }
    }

    fn document(mut self) -> Result<Node, ParseError> {
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.error(self.i, "empty document: expected a JSON value"));
        }
        let mut stack: Vec<Frame> = Vec::new();
        let root = 'value: loop {
            // Read one value; `[` and `{` open a frame and come back here for their first item.
            self.skip_ws();
            let start = self.i;
            let pos = self.pos(start);
            let open = stack.last().map(Frame::open);
            let mut node = match self.peek() {
                Some(bracket @ (b'[' | b'{')) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.error(start, format!("nesting deeper than {MAX_DEPTH} levels")));
                    }
                    self.i += 1;
                    self.skip_ws();
                    let (close, empty) = match bracket {
                        b'[' => (b']', Value::Seq(Vec::new())),
                        _ => (b'}', Value::Map(Vec::new())),
                    };
                    if self.peek() == Some(close) {
                        self.i += 1;
                        Node { value: empty, pos, key_pos: None }
                    } else if bracket == b'[' {
                        stack.push(Frame::Array(Vec::new(), pos));
                        continue 'value;
                    } else {
                        let key = self.key(Some(('{', pos)))?;
                        stack.push(Frame::Object(Object { entries: Vec::new(), pos, key: Some(key), index: None }));
                        continue 'value;
                    }
                }
                Some(b'"') => Node { value: Value::String(self.string()?), pos, key_pos: None },
                Some(b'-' | b'0'..=b'9') => Node { value: self.number()?, pos, key_pos: None },
                _ => Node { value: self.literal(open)?, pos, key_pos: None },
            };
            // Hand the finished value to its parent; a `]` or `}` then finishes the parent too.
            loop {
                self.nodes += 1;
                if self.nodes > MAX_NODES {
                    return Err(self.error(start, format!("document too large: more than {MAX_NODES} values")));
                }
                let Some(mut frame) = stack.pop() else { break 'value node };
                let close = match &mut frame {
                    Frame::Array(items, _) => {
                        items.push(node);
                        b']'
                    }
                    Frame::Object(object) => {
                        if let Some((key, key_pos)) = object.key.take() {
                            node.key_pos = Some(key_pos);
                            object.entries.push((key, node));
                        }
                        b'}'
                    }
                };
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        // Kept to point a trailing comma error at the comma, which may be on an
                        // earlier line than the bracket that reveals it.
                        let (comma, line, line_start) = (self.i, self.line, self.line_start);
                        self.i += 1;
                        self.skip_ws();
                        if let Some(bracket @ (b']' | b'}')) = self.peek() {
                            let column = chars_in(&self.bytes[line_start..comma]) + 1;
                            return Err(ParseError {
                                pos: Pos { line, column },
                                message: format!("trailing comma before `{}` (not allowed in JSON)", bracket as char),
                            });
                        }
                        if let Frame::Object(object) = &mut frame {
                            let (key, key_pos) = self.key(Some(('{', object.pos)))?;
                            if object.is_duplicate(&key) {
                                return Err(ParseError { pos: key_pos, message: format!("duplicate key \"{key}\"") });
                            }
                            object.key = Some((key, key_pos));
                        }
                        stack.push(frame);
                        continue 'value;
                    }
                    Some(b) if b == close => {
                        self.i += 1;
                        node = frame.finish();
                    }
                    _ => return Err(self.unexpected(Some(frame.open()), Expect::CommaOr(close as char))),
                }
            }
        };
        self.skip_ws();
        if self.peek().is_some() {
            return Err(self.unexpected(None, Expect::End));
        }
        Ok(root)
    }

    /// Reads an object key and the `:` after it; `open` is the object's `{`, for messages.
    fn key(&mut self, open: Option<(char, Pos)>) -> Result<(String, Pos), ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected(open, Expect::Key));
        }
        let pos = self.pos(self.i);
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected(open, Expect::Colon));
        }
        self.i += 1;
        Ok((key, pos))
    }

    /// Reads a string from its opening quote. Without escapes it is one copy of the source.
    fn string(&mut self) -> Result<String, ParseError> {
        let quote = self.i;
        self.i += 1;
        let mut decoded: Option<String> = None;
        let mut run = self.i;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error(quote, "unterminated string (no closing `\"`)"));
            };
            match b {
                b'"' => {
                    let tail = &self.text[run..self.i];
                    self.i += 1;
                    return Ok(match decoded {
                        Some(mut s) => {
                            s.push_str(tail);
                            s
                        }
                        None => tail.to_string(),
                    });
                }
                b'\\' => {
                    let s = decoded.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.i]);
                    s.push(self.escape()?);
                    run = self.i;
                }
                b'\n' | b'\r' => {
                    return Err(self.error(self.i, "line break inside a string (JSON strings are one line; write \\n)"));
                }
                b'\t' => return Err(self.error(self.i, "tab inside a string (write \\t)")),
                0..=0x1f => {
                    let message = format!("control character U+{b:04X} inside a string (write \\u{b:04x})");
                    return Err(self.error(self.i, message));
                }
                _ => self.i += 1,
            }
        }
    }

    /// Decodes the escape at the backslash under `self.i`.
    fn escape(&mut self) -> Result<char, ParseError> {
        let at = self.i;
        let Some(letter) = self.text[at + 1..].chars().next() else {
            return Err(self.error(at, "unterminated string (ends in a backslash)"));
        };
        self.i += 1 + letter.len_utf8();
        Ok(match letter {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => return self.unicode(at),
            other => {
                return Err(self.error(
                    at,
                    format!("invalid escape \\{other} (JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"),
                ));
            }
        })
    }

    /// Decodes `\uXXXX` (the backslash at `at`), joining a UTF-16 surrogate pair into one char.
    fn unicode(&mut self, at: usize) -> Result<char, ParseError> {
        let unit = self.hex4(at)?;
        let written = &self.text[at..at + 6];
        match unit {
            0xD800..=0xDBFF => {
                if self.bytes[self.i..].starts_with(b"\\u") {
                    let low_at = self.i;
                    self.i += 2;
                    let low = self.hex4(low_at)?;
                    if (0xDC00..=0xDFFF).contains(&low) {
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        // Always a valid scalar value (U+10000..=U+10FFFF); checked all the same.
                        return char::from_u32(code).ok_or_else(|| self.error(at, "invalid surrogate pair"));
                    }
                }
                let message =
                    format!("lone UTF-16 surrogate {written} (a high surrogate must be followed by a low one)");
                Err(self.error(at, message))
            }
            0xDC00..=0xDFFF => {
                let message = format!("lone UTF-16 surrogate {written} (a low surrogate must follow a high one)");
                Err(self.error(at, message))
            }
            _ => char::from_u32(unit).ok_or_else(|| self.error(at, format!("invalid escape {written}"))),
        }
    }

    /// Reads the four hex digits of a `\u` escape whose backslash is at `at`.
    fn hex4(&mut self, at: usize) -> Result<u32, ParseError> {
        let digits = self.bytes.get(self.i..self.i + 4).unwrap_or_default();
        if digits.len() < 4 || !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(self.error(at, "invalid \\u escape (expected four hex digits)"));
        }
        self.i += 4;
        // Four ASCII hex digits: valid UTF-8 and a valid number.
        u32::from_str_radix(&self.text[self.i - 4..self.i], 16)
            .map_err(|_| self.error(at, "invalid \\u escape (expected four hex digits)"))
    }

    /// Reads a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as written.
    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        let digits = |from: usize| self.bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        let int_start = start + usize::from(self.bytes[start] == b'-');
        let int = digits(int_start);
        let leading_zero = int > 1 && self.bytes[int_start] == b'0';
        let mut valid = int > 0 && !leading_zero;
        let mut end = int_start + int;
        if valid && self.bytes.get(end) == Some(&b'.') {
            let frac = digits(end + 1);
            valid = frac > 0;
            end += 1 + frac;
        }
        if valid && matches!(self.bytes.get(end), Some(b'e' | b'E')) {
            end += 1 + usize::from(matches!(self.bytes.get(end + 1), Some(b'+' | b'-')));
            let exp = digits(end);
            valid = exp > 0;
            end += exp;
        }
        // Whatever sticks to the number (`0x1F`, `1.2.3`, `-Infinity`) is part of the bad token.
        let token_end =
            end + self.bytes[end..].iter().take_while(|b| b.is_ascii_alphanumeric() || b"._+-".contains(b)).count();
        let token = &self.text[start..token_end];
        if !valid || token_end != end {
            let message = match token {
                "-Infinity" | "-NaN" => format!("{token} is not a JSON number (use null or a string)"),
                _ if leading_zero => format!("invalid number {token} (JSON numbers have no leading zeros)"),
                _ => format!("invalid number {token}"),
            };
            return Err(self.error(start, message));
        }
        // Rust's parser rounds correctly; only overflow needs refusing (serde_json does the same,
        // and an infinity would print back as something that is not JSON).
        match token.parse::<f64>() {
            Ok(v) if v.is_finite() => {
                self.i = end;
                Ok(Value::Number(v, token.to_string()))
            }
            _ => Err(self.error(start, format!("number {token} is out of range (beyond ±1.8e308, a 64-bit float)"))),
        }
    }

    /// Reads `true`, `false` or `null`, or explains what is there instead.
    fn literal(&mut self, open: Option<(char, Pos)>) -> Result<Value, ParseError> {
        let len = self.bytes[self.i..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
        let value = match &self.text[self.i..self.i + len] {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => return Err(self.unexpected(open, Expect::Value)),
        };
        self.i += len;
        Ok(value)
    }

    /// An error for what is at `self.i`, naming the usual non-JSON habits clearly. `open` is the
    /// innermost unclosed bracket, named when the input ends early.
    fn unexpected(&mut self, open: Option<(char, Pos)>, expected: Expect) -> ParseError {
        let rest = &self.text[self.i..];
        let Some(c) = rest.chars().next() else {
            let message = match open {
                Some((bracket, pos)) => format!(
                    "unexpected end of input, {expected} (the `{bracket}` at {}:{} is not closed)",
                    pos.line, pos.column
                ),
                None => format!("unexpected end of input, {expected}"),
            };
            return self.error(self.i, message);
        };
        let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let message = match c {
            '/' if rest.starts_with("//") || rest.starts_with("/*") => "comments are not allowed in JSON".to_string(),
            '\'' => "strings must be in double quotes (single quotes are not JSON)".to_string(),
            '+' if expected == Expect::Value => "a JSON number cannot start with `+`".to_string(),
            '.' if expected == Expect::Value => "a JSON number cannot start with `.` (write 0.5, not .5)".to_string(),
            _ if word == "NaN" || word == "Infinity" => format!("{word} is not a JSON number (use null or a string)"),
            _ if matches!(word.as_str(), "True" | "False" | "TRUE" | "FALSE" | "Null" | "NULL" | "None") => {
                format!("unexpected `{word}` (JSON literals are lowercase: true, false, null)")
            }
            _ if !word.is_empty() && matches!(expected, Expect::Value | Expect::Key) => {
                format!("unexpected `{word}`, {expected} (strings need double quotes)")
            }
            _ if !word.is_empty() => format!("unexpected `{word}`, {expected}"),
            '\u{feff}' => "byte order mark inside the document".to_string(),
            _ => format!("unexpected character {c:?}, {expected}"),
        };
        self.error(self.i, message)
    }
}

/// What the parser was looking for when it found something else.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    Key,
    Colon,
    CommaOr(char),
    End,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Value => f.write_str("expected a value"),
            Expect::Key => f.write_str("expected a key in double quotes"),
            Expect::Colon => f.write_str("expected `:` after the key"),
            Expect::CommaOr(close) => write!(f, "expected `,` or `{close}`"),
            Expect::End => f.write_str("expected the end of the document (a JSON text is one value)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (u32, u32, String) {
        let e = parse(text).unwrap_err();
        (e.pos.line, e.pos.column, e.message)
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(chars_in("aé👍\t".as_bytes()), 4);
        let doc = parse("{\"é👍\": \"ü\", \"b\": 1}").unwrap();
        assert_eq!(doc.get("é👍").unwrap().pos, Pos { line: 1, column: 8 });
        assert_eq!(doc.get("b").unwrap().key_pos, Some(Pos { line: 1, column: 13 }));
    }

    #[test]
    fn a_position_before_the_last_one_on_the_line_is_recounted() {
        let mut parser = Parser::new("ab\ncdé f");
        parser.i = 3;
        parser.new_line();
        assert_eq!(parser.pos(8), Pos { line: 2, column: 5 });
        assert_eq!(parser.pos(4), Pos { line: 2, column: 2 });
    }

    #[test]
    fn big_objects_switch_to_a_hashed_duplicate_check() {
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let doc = parse(&format!("{{{}}}", keys.join(", "))).unwrap();
        assert_eq!(doc.entries().len(), 40);
        let text = format!("{{{}, \"k3\": 0}}", keys.join(", "));
        let (line, column, message) = err(&text);
        assert_eq!(
            (line, column, message.as_str()),
            (1, text.rfind("\"k3\"").unwrap() as u32 + 1, "duplicate key \"k3\"")
        );
    }

    #[test]
    fn number_grammar_is_rfc_8259() {
        for ok in ["0", "-0", "12", "-12.5", "1e5", "1E+5", "1.5e-5", "0.0"] {
            let doc = parse(ok).unwrap();
            assert!(matches!(&doc.value, Value::Number(_, t) if t == ok), "{ok}: {doc:?}");
        }
        for bad in ["01", "-", "1.", "1.e5", "1e", "1e+", "-01", "0x1F", "1.2.3", "--1", "1_000"] {
            let (line, column, message) = err(bad);
            assert_eq!((line, column), (1, 1), "{bad}: {message}");
            assert!(message.starts_with("invalid number"), "{bad}: {message}");
        }
        assert!(err("007").2.contains("leading zeros"));
    }

    #[test]
    fn escapes_decode() {
        let doc = parse(r#""\"\\\/\b\f\n\r\t\u00e9\u0000""#).unwrap();
        assert_eq!(doc.str(), Some("\"\\/\u{8}\u{c}\n\r\té\u{0}"));
        assert_eq!(
            err(r#""a\x""#),
            (1, 3, "invalid escape \\x (JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)".into())
        );
        assert_eq!(err(r#""a\u12""#).2, "invalid \\u escape (expected four hex digits)");
        assert_eq!(err("\"a\\").2, "unterminated string (ends in a backslash)");
    }

    #[test]
    fn unclosed_brackets_are_named() {
        let (line, column, message) = err("{\"a\": [1,\n 2");
        assert_eq!((line, column), (2, 3));
        assert_eq!(message, "unexpected end of input, expected `,` or `]` (the `[` at 1:7 is not closed)");
        assert_eq!(
            err("{\"a\"").2,
            "unexpected end of input, expected `:` after the key (the `{` at 1:1 is not closed)"
        );
        assert_eq!(err("{\"a\":").2, "unexpected end of input, expected a value (the `{` at 1:1 is not closed)");
    }
}

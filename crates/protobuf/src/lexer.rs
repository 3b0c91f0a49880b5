//! Tokenizer for .proto sources. Columns follow protoc: 1-based, tabs advance to the next
//! multiple of 8, end exclusive.

use crate::ast::Span;
use crate::error::SyntaxError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    /// Integer literal as written (decimal, hex or octal), already converted.
    Int(u64),
    Float(f64),
    Str(Vec<u8>),
    Sym(char),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

struct Cursor<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }
    fn peek_at(&self, n: usize) -> Option<u8> {
        self.src.get(self.pos + n).copied()
    }
    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            b'\n' => {
                self.line += 1;
                self.col = 1;
            }
            b'\t' => self.col = ((self.col - 1) / 8 + 1) * 8 + 1,
            // UTF-8 continuation bytes do not advance the column.
            0x80..=0xBF => {}
            _ => self.col += 1,
        }
        Some(c)
    }
    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError { line: self.line, column: self.col, message: message.into() }
    }
}

/// Splits a source into tokens, skipping whitespace and comments.
pub fn tokenize(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut c = Cursor { src: src.as_bytes(), pos: 0, line: 1, col: 1 };
    let mut out = Vec::with_capacity(src.len() / 4);
    while let Some(ch) = c.peek() {
        let (line, col) = (c.line, c.col);
        let tok = match ch {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C => {
                c.bump();
                continue;
            }
            b'/' if c.peek_at(1) == Some(b'/') => {
                while let Some(x) = c.peek() {
                    if x == b'\n' {
                        break;
                    }
                    c.bump();
                }
                continue;
            }
            b'/' if c.peek_at(1) == Some(b'*') => {
                c.bump();
                c.bump();
                loop {
                    match c.peek() {
                        None => {
                            return Err(SyntaxError {
                                line,
                                column: col,
                                message: "unterminated block comment".into(),
                            });
                        }
                        Some(b'*') if c.peek_at(1) == Some(b'/') => {
                            c.bump();
                            c.bump();
                            break;
                        }
                        Some(_) => {
                            c.bump();
                        }
                    }
                }
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = c.pos;
                while matches!(c.peek(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_')) {
                    c.bump();
                }
                Tok::Ident(src[start..c.pos].to_string())
            }
            b'0'..=b'9' => number(&mut c, src)?,
            b'.' if matches!(c.peek_at(1), Some(b'0'..=b'9')) => number(&mut c, src)?,
            b'"' | b'\'' => Tok::Str(string(&mut c)?),
            b';' | b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'<' | b'>' | b'=' | b',' | b'.' | b':' | b'-' | b'+'
            | b'/' => {
                c.bump();
                Tok::Sym(ch as char)
            }
            _ => {
                let shown = src[c.pos..].chars().next().unwrap_or('?');
                return Err(c.err(format!("unexpected character {shown:?}")));
            }
        };
        out.push(Token { tok, span: Span { start_line: line, start_col: col, end_line: c.line, end_col: c.col } });
    }
    Ok(out)
}

fn number(c: &mut Cursor, src: &str) -> Result<Tok, SyntaxError> {
    let start = c.pos;
    let (line, col) = (c.line, c.col);
    let bad = |m: &str| SyntaxError { line, column: col, message: m.to_string() };
    if c.peek() == Some(b'0') && matches!(c.peek_at(1), Some(b'x' | b'X')) {
        c.bump();
        c.bump();
        let digits = c.pos;
        while matches!(c.peek(), Some(b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F')) {
            c.bump();
        }
        let text = &src[digits..c.pos];
        return u64::from_str_radix(text, 16).map(Tok::Int).map_err(|_| bad("invalid hexadecimal integer"));
    }
    let mut is_float = false;
    while let Some(x) = c.peek() {
        match x {
            b'0'..=b'9' => {
                c.bump();
            }
            b'.' => {
                is_float = true;
                c.bump();
            }
            b'e' | b'E' => {
                is_float = true;
                c.bump();
                if matches!(c.peek(), Some(b'+' | b'-')) {
                    c.bump();
                }
            }
            _ => break,
        }
    }
    if matches!(c.peek(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_')) {
        // protoc accepts a trailing 'f' on floats only in text format; reject like protoc does.
        return Err(c.err("need space between number and identifier"));
    }
    let text = &src[start..c.pos];
    if is_float {
        return text.parse::<f64>().map(Tok::Float).map_err(|_| bad("invalid floating point number"));
    }
    if text.len() > 1 && text.starts_with('0') {
        return u64::from_str_radix(&text[1..], 8).map(Tok::Int).map_err(|_| bad("invalid octal integer"));
    }
    match text.parse::<u64>() {
        Ok(v) => Ok(Tok::Int(v)),
        // Out-of-range integers are still valid as float option values.
        Err(_) => text.parse::<f64>().map(Tok::Float).map_err(|_| bad("invalid integer")),
    }
}

fn string(c: &mut Cursor) -> Result<Vec<u8>, SyntaxError> {
    let (line, col) = (c.line, c.col);
    let quote = c.bump().unwrap_or(b'"');
    let mut out = Vec::new();
    loop {
        let Some(ch) = c.bump() else {
            return Err(SyntaxError { line, column: col, message: "unterminated string".into() });
        };
        match ch {
            b'\n' => {
                return Err(SyntaxError { line, column: col, message: "unterminated string".into() });
            }
            b'\\' => {
                let Some(e) = c.bump() else { continue };
                match e {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'x' | b'X' => {
                        let mut v: u32 = 0;
                        let mut n = 0;
                        while n < 2 {
                            match c.peek().and_then(|d| (d as char).to_digit(16)) {
                                Some(d) => {
                                    v = v * 16 + d;
                                    c.bump();
                                    n += 1;
                                }
                                None => break,
                            }
                        }
                        if n == 0 {
                            return Err(c.err("invalid hex escape"));
                        }
                        out.push(v as u8);
                    }
                    b'0'..=b'7' => {
                        let mut v: u32 = (e - b'0') as u32;
                        let mut n = 1;
                        while n < 3 {
                            match c.peek() {
                                Some(d @ b'0'..=b'7') => {
                                    v = v * 8 + (d - b'0') as u32;
                                    c.bump();
                                    n += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xFF) as u8);
                    }
                    b'u' | b'U' => {
                        let len = if e == b'u' { 4 } else { 8 };
                        let mut v: u32 = 0;
                        for _ in 0..len {
                            match c.peek().and_then(|d| (d as char).to_digit(16)) {
                                Some(d) => {
                                    v = v.wrapping_mul(16).wrapping_add(d);
                                    c.bump();
                                }
                                None => return Err(c.err("invalid unicode escape")),
                            }
                        }
                        let ch = char::from_u32(v).ok_or_else(|| c.err("invalid unicode code point"))?;
                        let mut buf = [0; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    other => out.push(other),
                }
            }
            q if q == quote => return Ok(out),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_protoc_tab_stops() {
        let toks = tokenize("\tfoo = 1;").unwrap();
        assert_eq!(toks[0].span.start_col, 9);
        assert_eq!(toks[0].span.end_col, 12);
    }

    #[test]
    fn numbers_and_strings() {
        let toks = tokenize("0x1F 017 1.5e3 .5 \"a\\x41\\101\\n\"").unwrap();
        let kinds: Vec<_> = toks.into_iter().map(|t| t.tok).collect();
        assert_eq!(
            kinds,
            vec![Tok::Int(31), Tok::Int(15), Tok::Float(1500.0), Tok::Float(0.5), Tok::Str(b"aAA\n".to_vec())]
        );
    }

    #[test]
    fn unterminated_string_is_an_error_with_position() {
        let err = tokenize("x = \"abc\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 5));
    }
}

//! Recursive-descent parser for proto2, proto3 and edition 2023 files. It records the spans
//! protoc records in source info, so that findings point where buf points.

use crate::ast::*;
use crate::error::SyntaxError;
use crate::lexer::{Tok, Token, tokenize};

/// Largest field number of a normal message (`max` in ranges).
pub const MESSAGE_MAX: i64 = 536_870_911;
/// Largest field number of a message-set message.
pub const MESSAGE_SET_MAX: i64 = 2_147_483_646;
/// Largest enum value (`max` in enum ranges).
pub const ENUM_MAX: i64 = 2_147_483_647;

/// Parses one file. `path` is only stored in the result.
pub fn parse_file(path: &str, src: &str) -> Result<ProtoFile, SyntaxError> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, pos: 0, syntax: Syntax::Proto2, depth: 0 };
    p.file(path)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    syntax: Syntax,
    /// Current message nesting, bounded so hostile input cannot overflow the stack.
    depth: usize,
}

/// Deepest message nesting accepted (protoc allows far less in practice).
const MAX_DEPTH: usize = 100;

type R<T> = Result<T, SyntaxError>;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }
    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }
    fn peek_tok_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }
    fn last_span(&self) -> Span {
        self.pos.checked_sub(1).and_then(|i| self.toks.get(i)).map(|t| t.span).unwrap_or_default()
    }
    fn here(&self) -> Span {
        match self.peek() {
            Some(t) => t.span,
            None => {
                let s = self.last_span();
                Span { start_line: s.end_line, start_col: s.end_col, ..s }
            }
        }
    }
    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        let s = self.here();
        Err(SyntaxError { line: s.start_line, column: s.start_col, message: message.into() })
    }
    fn describe(&self) -> String {
        match self.peek_tok() {
            None => "end of file".into(),
            Some(Tok::Ident(s)) => format!("`{s}`"),
            Some(Tok::Int(v)) => format!("`{v}`"),
            Some(Tok::Float(v)) => format!("`{v}`"),
            Some(Tok::Str(_)) => "string literal".into(),
            Some(Tok::Sym(c)) => format!("`{c}`"),
        }
    }
    fn next(&mut self) -> R<Token> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.clone())
            }
            None => self.err("unexpected end of file"),
        }
    }
    fn is_sym(&self, c: char) -> bool {
        self.peek_tok() == Some(&Tok::Sym(c))
    }
    fn is_ident(&self, s: &str) -> bool {
        matches!(self.peek_tok(), Some(Tok::Ident(x)) if x == s)
    }
    fn eat_sym(&mut self, c: char) -> bool {
        if self.is_sym(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_sym(&mut self, c: char) -> R<Span> {
        if self.is_sym(c) {
            Ok(self.next()?.span)
        } else {
            self.err(format!("expected `{c}`, found {}", self.describe()))
        }
    }
    fn ident(&mut self) -> R<(String, Span)> {
        match self.peek_tok() {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                Ok((s, self.next()?.span))
            }
            _ => self.err(format!("expected identifier, found {}", self.describe())),
        }
    }
    fn keyword(&mut self, kw: &str) -> R<Span> {
        if self.is_ident(kw) {
            Ok(self.next()?.span)
        } else {
            self.err(format!("expected `{kw}`, found {}", self.describe()))
        }
    }
    fn string(&mut self) -> R<(Vec<u8>, Span)> {
        let mut out = Vec::new();
        let start = self.here();
        let mut end = start;
        let mut any = false;
        while let Some(Tok::Str(s)) = self.peek_tok() {
            out.extend_from_slice(s);
            end = self.next()?.span;
            any = true;
        }
        if !any {
            return self.err(format!("expected string literal, found {}", self.describe()));
        }
        Ok((out, start.to(end)))
    }
    /// A possibly dotted, possibly fully-qualified name: `.a.b.C`.
    fn type_name(&mut self) -> R<(String, Span)> {
        let start = self.here();
        let mut name = String::new();
        if self.eat_sym('.') {
            name.push('.');
        }
        let (first, mut end) = self.ident()?;
        name.push_str(&first);
        while self.is_sym('.') {
            self.pos += 1;
            let (part, span) = self.ident()?;
            name.push('.');
            name.push_str(&part);
            end = span;
        }
        Ok((name, start.to(end)))
    }
    fn int(&mut self) -> R<(i64, Span)> {
        let start = self.here();
        let neg = self.eat_sym('-');
        match self.peek_tok() {
            Some(Tok::Int(v)) => {
                let v = *v;
                let span = self.next()?.span;
                let v = i64::try_from(v).ok().and_then(|v| if neg { v.checked_neg() } else { Some(v) });
                match v {
                    Some(v) => Ok((v, start.to(span))),
                    None => Err(SyntaxError {
                        line: span.start_line,
                        column: span.start_col,
                        message: "integer out of range".into(),
                    }),
                }
            }
            _ => self.err(format!("expected integer, found {}", self.describe())),
        }
    }

    fn file(&mut self, path: &str) -> R<ProtoFile> {
        let mut file = ProtoFile {
            path: path.to_string(),
            syntax: Syntax::Proto2,
            syntax_span: None,
            package: String::new(),
            package_span: None,
            imports: vec![],
            options: vec![],
            messages: vec![],
            enums: vec![],
            services: vec![],
            extensions: vec![],
            features: Features::default(),
        };
        if self.is_ident("syntax") || self.is_ident("edition") {
            let is_edition = self.is_ident("edition");
            let start = self.next()?.span;
            self.expect_sym('=')?;
            let (value, vspan) = self.string()?;
            let end = self.expect_sym(';')?;
            let value = String::from_utf8_lossy(&value).into_owned();
            file.syntax = match (is_edition, value.as_str()) {
                (false, "proto2") => Syntax::Proto2,
                (false, "proto3") => Syntax::Proto3,
                (true, "2023") => Syntax::Edition2023,
                (true, "2024") => Syntax::Edition2024,
                (true, other) => {
                    return Err(SyntaxError {
                        line: vspan.start_line,
                        column: vspan.start_col,
                        message: format!("edition \"{other}\" is not supported yet (supported: 2023, 2024)"),
                    });
                }
                (false, other) => {
                    return Err(SyntaxError {
                        line: vspan.start_line,
                        column: vspan.start_col,
                        message: format!("unknown syntax \"{other}\" (expected \"proto2\" or \"proto3\")"),
                    });
                }
            };
            file.syntax_span = Some(start.to(end));
        }
        self.syntax = file.syntax;
        while self.peek().is_some() {
            if self.eat_sym(';') {
                continue;
            }
            self.skip_visibility();
            let (kw, _) = match self.peek_tok() {
                Some(Tok::Ident(s)) => (s.clone(), ()),
                _ => {
                    return self.err(format!("expected a top-level declaration, found {}", self.describe()));
                }
            };
            match kw.as_str() {
                "package" => {
                    let start = self.next()?.span;
                    let (name, _) = self.type_name()?;
                    let end = self.expect_sym(';')?;
                    if file.package_span.is_some() {
                        return Err(SyntaxError {
                            line: start.start_line,
                            column: start.start_col,
                            message: "multiple package declarations".into(),
                        });
                    }
                    file.package = name;
                    file.package_span = Some(start.to(end));
                }
                "import" => {
                    let start = self.next()?.span;
                    if self.is_ident("public") || self.is_ident("weak") || self.is_ident("option") {
                        self.pos += 1;
                    }
                    let (path, _) = self.string()?;
                    let end = self.expect_sym(';')?;
                    file.imports
                        .push(Import { path: String::from_utf8_lossy(&path).into_owned(), span: start.to(end) });
                }
                "option" => file.options.push(self.option_statement()?),
                "message" => file.messages.push(self.message()?),
                "enum" => file.enums.push(self.enumeration()?),
                "service" => file.services.push(self.service()?),
                "extend" => {
                    let mut nested = Vec::new();
                    self.extend(&mut file.extensions, &mut nested)?;
                    file.messages.extend(nested);
                }
                "syntax" | "edition" => {
                    return self.err("the syntax or edition statement must come first in the file");
                }
                other => return self.err(format!("unexpected `{other}` at top level")),
            }
        }
        Ok(file)
    }

    /// Edition 2024 symbol visibility (`export message`, `local enum`) does not affect
    /// compatibility; the keyword is skipped.
    fn skip_visibility(&mut self) {
        if self.syntax == Syntax::Edition2024
            && (self.is_ident("export") || self.is_ident("local"))
            && matches!(self.peek_tok_at(1), Some(Tok::Ident(k)) if k == "message" || k == "enum" || k == "service")
        {
            self.pos += 1;
        }
    }

    fn option_name(&mut self) -> R<(Vec<NamePart>, Span)> {
        let start = self.here();
        let mut parts = Vec::new();
        loop {
            if self.eat_sym('(') {
                let (name, _) = self.type_name()?;
                self.expect_sym(')')?;
                parts.push(NamePart { name, is_extension: true });
            } else {
                let (name, _) = self.ident()?;
                parts.push(NamePart { name, is_extension: false });
            }
            if !self.eat_sym('.') {
                break;
            }
        }
        Ok((parts, start.to(self.last_span())))
    }

    fn value(&mut self) -> R<Value> {
        if self.is_sym('{') {
            self.skip_aggregate()?;
            return Ok(Value::Aggregate);
        }
        let negative = self.eat_sym('-');
        if !negative {
            self.eat_sym('+');
        }
        match self.peek_tok().cloned() {
            Some(Tok::Int(v)) => {
                self.pos += 1;
                Ok(Value::Int { negative, magnitude: v })
            }
            Some(Tok::Float(v)) => {
                self.pos += 1;
                Ok(Value::Float(if negative { -v } else { v }))
            }
            Some(Tok::Ident(s)) => {
                self.pos += 1;
                if negative {
                    match s.as_str() {
                        "inf" | "infinity" => Ok(Value::Float(f64::NEG_INFINITY)),
                        "nan" => Ok(Value::Float(f64::NAN)),
                        _ => Ok(Value::Ident(format!("-{s}"))),
                    }
                } else {
                    Ok(Value::Ident(s))
                }
            }
            Some(Tok::Str(_)) if !negative => Ok(Value::Str(self.string()?.0)),
            _ => self.err(format!("expected option value, found {}", self.describe())),
        }
    }

    fn skip_aggregate(&mut self) -> R<()> {
        self.expect_sym('{')?;
        let mut depth = 1;
        while depth > 0 {
            let t = self.next()?;
            match t.tok {
                Tok::Sym('{') => depth += 1,
                Tok::Sym('}') => depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// `option name = value;` — the span is the whole statement.
    fn option_statement(&mut self) -> R<OptionDecl> {
        let start = self.keyword("option")?;
        let (name, _) = self.option_name()?;
        self.expect_sym('=')?;
        let value = self.value()?;
        let end = self.expect_sym(';')?;
        Ok(OptionDecl { name, value, span: start.to(end) })
    }

    /// `[a = 1, b = 2]` — each span is `name = value`.
    fn compact_options(&mut self) -> R<Vec<OptionDecl>> {
        let mut out = Vec::new();
        if !self.eat_sym('[') {
            return Ok(out);
        }
        loop {
            let (name, start) = self.option_name()?;
            self.expect_sym('=')?;
            let value = self.value()?;
            out.push(OptionDecl { name, value, span: start.to(self.last_span()) });
            if self.eat_sym(']') {
                break;
            }
            self.expect_sym(',')?;
        }
        Ok(out)
    }

    fn message(&mut self) -> R<Message> {
        let start = self.keyword("message")?;
        let (name, _) = self.ident()?;
        let mut msg = Message { name, ..Message::default() };
        self.message_body(&mut msg)?;
        msg.span = start.to(self.last_span());
        Ok(msg)
    }

    fn message_body(&mut self, msg: &mut Message) -> R<()> {
        if self.depth >= MAX_DEPTH {
            return self.err(format!("messages nested more than {MAX_DEPTH} levels deep"));
        }
        self.depth += 1;
        let result = self.message_body_inner(msg);
        self.depth -= 1;
        result
    }

    fn message_body_inner(&mut self, msg: &mut Message) -> R<()> {
        self.block(|p| {
            p.skip_visibility();
            let kw = match p.peek_tok() {
                Some(Tok::Ident(s)) => s.clone(),
                // A field whose type is fully qualified: `.acme.v1.Money total = 1;`
                Some(Tok::Sym('.')) => String::new(),
                _ => return p.err(format!("expected a message element, found {}", p.describe())),
            };
            // As in protoc, keywords win at the start of a statement; a field whose type is
            // named like a keyword must qualify it (`.message`).
            match kw.as_str() {
                "message" => msg.messages.push(p.message()?),
                "enum" => msg.enums.push(p.enumeration()?),
                "extend" => {
                    let mut nested = Vec::new();
                    p.extend(&mut msg.extensions, &mut nested)?;
                    msg.messages.extend(nested);
                }
                "option" => msg.options.push(p.option_statement()?),
                "oneof" => p.oneof(msg)?,
                "extensions" => {
                    p.pos += 1;
                    let ranges = p.ranges(MESSAGE_MAX)?;
                    p.compact_options()?;
                    p.expect_sym(';')?;
                    msg.extension_ranges.extend(ranges);
                }
                "reserved" => p.reserved(&mut msg.reserved_ranges, &mut msg.reserved_names, MESSAGE_MAX)?,
                _ => {
                    let field = p.field(None, &mut msg.messages)?;
                    msg.fields.push(field);
                }
            }
            Ok(())
        })
    }

    /// `{ statement* }`, skipping empty statements; `statement` parses one.
    fn block(&mut self, mut statement: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        self.expect_sym('{')?;
        loop {
            if self.eat_sym('}') {
                return Ok(());
            }
            if self.eat_sym(';') {
                continue;
            }
            if self.peek().is_none() {
                return self.err("unexpected end of file: missing `}`");
            }
            statement(self)?;
        }
    }

    fn ranges(&mut self, max: i64) -> R<Vec<TagRange>> {
        let mut out = Vec::new();
        loop {
            let (start, _) = self.int()?;
            let mut end = start;
            if self.is_ident("to") {
                self.pos += 1;
                if self.is_ident("max") {
                    self.pos += 1;
                    end = max;
                } else {
                    end = self.int()?.0;
                }
            }
            out.push(TagRange { start, end });
            if !self.eat_sym(',') {
                return Ok(out);
            }
        }
    }

    fn reserved(&mut self, ranges: &mut Vec<TagRange>, names: &mut Vec<String>, max: i64) -> R<()> {
        self.keyword("reserved")?;
        match self.peek_tok() {
            Some(Tok::Str(_)) => loop {
                let (name, _) = self.string()?;
                names.push(String::from_utf8_lossy(&name).into_owned());
                if !self.eat_sym(',') {
                    break;
                }
            },
            Some(Tok::Ident(_)) if self.syntax.is_editions() => loop {
                let (name, _) = self.ident()?;
                names.push(name);
                if !self.eat_sym(',') {
                    break;
                }
            },
            _ => ranges.extend(self.ranges(max)?),
        }
        self.expect_sym(';')?;
        Ok(())
    }

    fn oneof(&mut self, msg: &mut Message) -> R<()> {
        let start = self.keyword("oneof")?;
        let (name, _) = self.ident()?;
        let index = msg.oneofs.len();
        msg.oneofs.push(Oneof { name, span: start, synthetic: false, options: vec![] });
        self.block(|p| {
            if p.is_ident("option") {
                let opt = p.option_statement()?;
                msg.oneofs[index].options.push(opt);
            } else {
                let mut field = p.field(Some(index), &mut msg.messages)?;
                field.oneof = Some(index);
                msg.fields.push(field);
            }
            Ok(())
        })?;
        msg.oneofs[index].span = start.to(self.last_span());
        Ok(())
    }

    /// A field, map field or group. Groups add their message to `nested`.
    fn field(&mut self, in_oneof: Option<usize>, nested: &mut Vec<Message>) -> R<Field> {
        let start = self.here();
        let mut label = None;
        if in_oneof.is_none() {
            for (kw, l) in [("optional", Label::Optional), ("required", Label::Required), ("repeated", Label::Repeated)]
            {
                if self.is_ident(kw) {
                    self.pos += 1;
                    label = Some(l);
                    break;
                }
            }
        }
        if self.is_ident("map") && self.peek_tok_at(1) == Some(&Tok::Sym('<')) {
            return self.map_field(start, label, nested);
        }
        if self.is_ident("group")
            && matches!(self.peek_tok_at(1), Some(Tok::Ident(_)))
            && matches!(self.peek_tok_at(2), Some(Tok::Sym('=')))
        {
            let type_span = self.next()?.span;
            let (name, name_span) = self.ident()?;
            self.expect_sym('=')?;
            let (number, number_span) = self.int()?;
            let options = self.compact_options()?;
            let mut group = Message { name: name.clone(), ..Message::default() };
            self.message_body(&mut group)?;
            let span = start.to(self.last_span());
            group.span = span;
            nested.push(group);
            return Ok(new_field(
                name.to_lowercase(),
                name_span,
                number,
                number_span,
                label,
                TypeRef::Group(name),
                type_span,
                span,
                options,
            ));
        }
        let (type_text, type_span) = self.type_name()?;
        let ty = match Kind::scalar(&type_text) {
            Some(k) => TypeRef::Scalar(k),
            None => TypeRef::Named(type_text),
        };
        let (name, name_span) = self.ident()?;
        self.expect_sym('=')?;
        let (number, number_span) = self.int()?;
        let options = self.compact_options()?;
        let end = self.expect_sym(';')?;
        Ok(new_field(name, name_span, number, number_span, label, ty, type_span, start.to(end), options))
    }

    fn map_field(&mut self, start: Span, label: Option<Label>, nested: &mut Vec<Message>) -> R<Field> {
        let map_start = self.keyword("map")?;
        self.expect_sym('<')?;
        let (key, _) = self.type_name()?;
        self.expect_sym(',')?;
        let (value, _) = self.type_name()?;
        let map_end = self.expect_sym('>')?;
        let (name, name_span) = self.ident()?;
        self.expect_sym('=')?;
        let (number, number_span) = self.int()?;
        let options = self.compact_options()?;
        let end = self.expect_sym(';')?;
        if label.is_some() {
            return Err(SyntaxError {
                line: start.start_line,
                column: start.start_col,
                message: "map fields cannot have a label".into(),
            });
        }
        let span = start.to(end);
        let entry_name = map_entry_name(&name);
        let to_ref = |t: String| match Kind::scalar(&t) {
            Some(k) => TypeRef::Scalar(k),
            None => TypeRef::Named(t),
        };
        // protoc attributes the synthesized entry (and its fields) to the `map<K, V>` text.
        let map_span = map_start.to(map_end);
        let mut key_field = new_field(
            "key".into(),
            map_span,
            1,
            map_span,
            Some(Label::Optional),
            to_ref(key),
            map_span,
            map_span,
            vec![],
        );
        let mut value_field = new_field(
            "value".into(),
            map_span,
            2,
            map_span,
            Some(Label::Optional),
            to_ref(value),
            map_span,
            map_span,
            vec![],
        );
        key_field.in_map_entry = true;
        value_field.in_map_entry = true;
        nested.push(Message {
            name: entry_name.clone(),
            span: map_span,
            fields: vec![key_field, value_field],
            map_entry: true,
            ..Message::default()
        });
        let mut field = new_field(
            name,
            name_span,
            number,
            number_span,
            Some(Label::Repeated),
            TypeRef::Named(entry_name),
            map_start.to(map_end),
            span,
            options,
        );
        field.is_map = true;
        Ok(field)
    }

    fn extend(&mut self, out: &mut Vec<Field>, nested: &mut Vec<Message>) -> R<()> {
        self.keyword("extend")?;
        let (extendee, _) = self.type_name()?;
        self.block(|p| {
            let mut field = p.field(None, nested)?;
            field.extendee = Some(extendee.clone());
            out.push(field);
            Ok(())
        })
    }

    fn enumeration(&mut self) -> R<Enum> {
        let start = self.keyword("enum")?;
        let (name, _) = self.ident()?;
        let mut e = Enum { name, ..Enum::default() };
        self.block(|p| {
            if p.is_ident("option") {
                e.options.push(p.option_statement()?);
            } else if p.is_ident("reserved") {
                p.reserved(&mut e.reserved_ranges, &mut e.reserved_names, ENUM_MAX)?;
            } else {
                let (name, vstart) = p.ident()?;
                p.expect_sym('=')?;
                let (number, number_span) = p.int()?;
                let options = p.compact_options()?;
                let end = p.expect_sym(';')?;
                e.values.push(EnumValue { name, number, span: vstart.to(end), number_span, options });
            }
            Ok(())
        })?;
        e.span = start.to(self.last_span());
        Ok(e)
    }

    fn service(&mut self) -> R<Service> {
        let start = self.keyword("service")?;
        let (name, _) = self.ident()?;
        let mut svc = Service { name, ..Service::default() };
        self.block(|p| {
            if p.is_ident("option") {
                svc.options.push(p.option_statement()?);
                return Ok(());
            }
            let rpc_start = p.keyword("rpc")?;
            let (name, _) = p.ident()?;
            let (input_type, input_span, client_streaming) = p.rpc_type()?;
            p.keyword("returns")?;
            let (output_type, output_span, server_streaming) = p.rpc_type()?;
            let mut options = Vec::new();
            if p.is_sym('{') {
                p.block(|p| {
                    options.push(p.option_statement()?);
                    Ok(())
                })?;
            } else {
                p.expect_sym(';')?;
            }
            svc.methods.push(Method {
                name,
                span: rpc_start.to(p.last_span()),
                input_type,
                input_span,
                output_type,
                output_span,
                client_streaming,
                server_streaming,
                options,
                input_full: String::new(),
                output_full: String::new(),
            });
            Ok(())
        })?;
        svc.span = start.to(self.last_span());
        Ok(svc)
    }

    fn rpc_type(&mut self) -> R<(String, Span, bool)> {
        self.expect_sym('(')?;
        // `stream` is the keyword unless it is itself the type: `(stream)` or `(stream.pkg.T)`
        // written without a space; `stream .pkg.T` streams a fully-qualified type.
        let adjacent = |a: Option<&Span>, b: Option<&Span>| matches!((a, b), (Some(a), Some(b)) if a.end_line == b.start_line && a.end_col == b.start_col);
        let type_named_stream = match self.peek_tok_at(1) {
            Some(Tok::Sym(')')) => true,
            Some(Tok::Sym('.')) => {
                adjacent(self.toks.get(self.pos).map(|t| &t.span), self.toks.get(self.pos + 1).map(|t| &t.span))
            }
            _ => false,
        };
        let streaming = self.is_ident("stream") && !type_named_stream;
        if streaming {
            self.pos += 1;
        }
        let (name, span) = self.type_name()?;
        self.expect_sym(')')?;
        Ok((name, span, streaming))
    }
}

#[allow(clippy::too_many_arguments)]
fn new_field(
    name: String,
    name_span: Span,
    number: i64,
    number_span: Span,
    label: Option<Label>,
    ty: TypeRef,
    type_span: Span,
    span: Span,
    options: Vec<OptionDecl>,
) -> Field {
    Field {
        name,
        name_span,
        number,
        number_span,
        label,
        ty,
        type_span,
        span,
        options,
        oneof: None,
        extendee: None,
        in_map_entry: false,
        kind: None,
        type_name: String::new(),
        extendee_full: String::new(),
        full_name: String::new(),
        features: Features::default(),
        is_map: false,
        enum_default: None,
    }
}

/// protoc's name for the synthesized entry message of a map field: `foo_bar` -> `FooBarEntry`.
pub fn map_entry_name(field: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out.push_str("Entry");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_match_protoc_source_info() {
        let src = "syntax = \"proto3\";\npackage a.b;\nmessage Foo {\n  string name = 1 [json_name = \"n\"];\n  map<string, int32> tags = 2;\n}\n";
        let f = parse_file("x.proto", src).unwrap();
        assert_eq!(f.syntax_span, Some(Span { start_line: 1, start_col: 1, end_line: 1, end_col: 19 }));
        let m = &f.messages[0];
        assert_eq!(m.span, Span { start_line: 3, start_col: 1, end_line: 6, end_col: 2 });
        let name = &m.fields[0];
        assert_eq!(name.span, Span { start_line: 4, start_col: 3, end_line: 4, end_col: 37 });
        assert_eq!(name.type_span, Span { start_line: 4, start_col: 3, end_line: 4, end_col: 9 });
        assert_eq!(name.options[0].span, Span { start_line: 4, start_col: 20, end_line: 4, end_col: 35 });
        assert!(m.fields[1].is_map);
        assert_eq!(m.messages[0].name, "TagsEntry");
    }

    #[test]
    fn stream_keyword_versus_a_package_named_stream() {
        let src = "syntax = \"proto3\";\npackage a;\nmessage B {}\nservice S {\n  rpc M(stream .a.B) returns (stream.a.B);\n  rpc N(stream) returns (stream stream);\n}\n";
        let f = parse_file("x.proto", src).unwrap();
        let (m, n) = (&f.services[0].methods[0], &f.services[0].methods[1]);
        assert_eq!((m.client_streaming, m.input_type.as_str()), (true, ".a.B"));
        assert_eq!((m.server_streaming, m.output_type.as_str()), (false, "stream.a.B"));
        assert_eq!((n.client_streaming, n.input_type.as_str()), (false, "stream"));
        assert_eq!((n.server_streaming, n.output_type.as_str()), (true, "stream"));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_file("x.proto", "syntax = \"proto3\";\nmessage Foo {\n  string = 1;\n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 10));
        let err = parse_file("x.proto", "message Foo {\n  int32 a = 1;\n").unwrap_err();
        assert!(err.message.contains("end of file"), "{}", err.message);
    }

    #[test]
    fn editions_and_groups() {
        let src =
            "edition = \"2023\";\nmessage A { reserved foo, bar; int32 x = 1 [features.field_presence = IMPLICIT]; }\n";
        let f = parse_file("x.proto", src).unwrap();
        assert_eq!(f.syntax, Syntax::Edition2023);
        assert_eq!(f.messages[0].reserved_names, ["foo", "bar"]);
        let src2 = "syntax = \"proto2\";\nmessage A { optional group Item = 1 { optional int32 x = 2; } }\n";
        let f2 = parse_file("x.proto", src2).unwrap();
        assert_eq!(f2.messages[0].fields[0].name, "item");
        assert_eq!(f2.messages[0].messages[0].name, "Item");
    }

    #[test]
    fn edition_2024_visibility_and_option_imports() {
        let src = "edition = \"2024\";\nimport option \"x.proto\";\nlocal message A { export message B {} export enum E { E_UNSPECIFIED = 0; } }\n";
        let f = parse_file("x.proto", src).unwrap();
        assert_eq!(f.syntax, Syntax::Edition2024);
        assert_eq!(f.messages[0].messages[0].name, "B");
        assert_eq!(f.messages[0].enums[0].name, "E");
        assert_eq!(f.imports[0].path, "x.proto");
    }
}

//! Parsing the VTL subset into a tree, once, at load time. Errors carry the template's line and column.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::selection::compile_json_path;

/// A parse error inside one template.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub enum Node {
    Text(String),
    Ref(Reference),
    Set(Reference, Expr),
    If(Vec<(Expr, Vec<Node>)>, Vec<Node>),
    Foreach(String, Expr, Vec<Node>),
    Break,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub quiet: bool,
    pub name: String,
    pub accessors: Vec<Accessor>,
    /// The reference as written, rendered literally when it evaluates to null (Velocity's rule).
    pub source: String,
}

#[derive(Debug, Clone)]
pub enum Accessor {
    Property(String),
    Method(String, Vec<Expr>),
    /// `$input.json('<literal>')` or `$input.path('<literal>')`, its JSONPath compiled at load time.
    InputPath {
        json: bool,
        path: JsonPath,
    },
    Index(Expr),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Literal(Value),
    Interpolated(Vec<Node>),
    Ref(Reference),
    List(Vec<Expr>),
    Range(Box<Expr>, Box<Expr>),
    Map(Vec<(Expr, Expr)>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// Nesting deeper than this (directives or expressions) is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

pub fn parse(source: &str) -> Result<Vec<Node>, ParseError> {
    let mut parser = Parser {
        src: source,
        pos: 0,
        depth: 0,
        line_clean: true,
    };
    let (nodes, end) = parser.block()?;
    match end {
        BlockEnd::Eof => Ok(nodes),
        other => Err(parser.error(&format!(
            "unexpected {other:?} without a matching #if or #foreach"
        ))),
    }
}

#[derive(Debug)]
enum BlockEnd {
    Eof,
    End,
    Else,
    ElseIf(Expr),
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    /// Nothing but whitespace has been written on the current line (for gobbling directive-only lines).
    line_clean: bool,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error(&self, message: &str) -> ParseError {
        let before = &self.src[..self.pos];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        ParseError {
            message: message.to_string(),
            line,
            column,
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), ParseError> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{s}`")))
        }
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn ident(&mut self) -> Option<String> {
        let rest = self.rest();
        if !rest.chars().next().is_some_and(is_ident_start) {
            return None;
        }
        let len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        self.pos += len;
        Some(rest[..len].to_string())
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting is too deep"));
        }
        Ok(())
    }

    /// Parses nodes up to `#end`, `#else`, `#elseif` or the end of input.
    fn block(&mut self) -> Result<(Vec<Node>, BlockEnd), ParseError> {
        self.enter()?;
        let mut nodes = Vec::new();
        let mut text = String::new();
        let end = loop {
            let Some(c) = self.peek() else {
                break BlockEnd::Eof;
            };
            if c == '\n' {
                text.push(c);
                self.pos += 1;
                self.line_clean = true;
            } else if c == '\\' && matches!(self.rest()[1..].chars().next(), Some('$' | '#')) {
                text.push_str(&self.rest()[1..2]);
                self.pos += 2;
                self.line_clean = false;
            } else if c == '#' {
                if let Some(end) = self.hash(&mut nodes, &mut text)? {
                    break end;
                }
            } else if c == '$' {
                let start = self.pos;
                match self.reference()? {
                    Some(r) => {
                        flush(&mut nodes, &mut text);
                        nodes.push(Node::Ref(r));
                        self.line_clean = false;
                    }
                    None => {
                        self.pos = start + 1;
                        text.push('$');
                        self.line_clean = false;
                    }
                }
            } else {
                text.push(c);
                self.pos += c.len_utf8();
                if !c.is_whitespace() {
                    self.line_clean = false;
                }
            }
        };
        flush(&mut nodes, &mut text);
        self.depth -= 1;
        Ok((nodes, end))
    }

    /// Handles text starting with `#`: comments, directives, or a literal `#`.
    fn hash(
        &mut self,
        nodes: &mut Vec<Node>,
        text: &mut String,
    ) -> Result<Option<BlockEnd>, ParseError> {
        if self.eat("##") {
            // The comment takes its newline with it.
            let len = self.rest().find('\n').map_or(self.rest().len(), |i| i + 1);
            self.pos += len;
            return Ok(None);
        }
        if self.eat("#*") {
            let len = self
                .rest()
                .find("*#")
                .ok_or_else(|| self.error("unclosed #* comment"))?;
            self.pos += len + 2;
            return Ok(None);
        }
        if self.eat("#[[") {
            let len = self
                .rest()
                .find("]]#")
                .ok_or_else(|| self.error("unclosed #[[ block"))?;
            text.push_str(&self.rest()[..len]);
            self.pos += len + 3;
            self.line_clean = false;
            return Ok(None);
        }
        let start = self.pos;
        self.pos += 1;
        let braced = self.eat("{");
        let Some(name) = self.ident() else {
            self.pos = start + 1;
            text.push('#');
            self.line_clean = false;
            return Ok(None);
        };
        if braced && !self.eat("}") {
            self.pos = start + 1;
            text.push('#');
            return Ok(None);
        }
        let directive_starts_line = self.line_clean;
        let result = match name.as_str() {
            "set" => {
                self.open_paren()?;
                let target = self
                    .reference()?
                    .ok_or_else(|| self.error("#set needs a $reference"))?;
                self.skip_ws();
                self.expect("=")?;
                let value = self.expr()?;
                self.close_paren()?;
                Some(Node::Set(target, value))
            }
            "if" => {
                self.open_paren()?;
                let cond = self.expr()?;
                self.close_paren()?;
                self.gobble(directive_starts_line, text);
                Some(self.if_chain(cond)?)
            }
            "foreach" => {
                self.open_paren()?;
                self.skip_ws();
                self.expect("$")?;
                let var = self
                    .ident()
                    .ok_or_else(|| self.error("#foreach needs a $variable"))?;
                self.skip_ws();
                self.expect("in")?;
                let list = self.expr()?;
                self.close_paren()?;
                self.gobble(directive_starts_line, text);
                let (body, end) = self.block()?;
                if !matches!(end, BlockEnd::End) {
                    return Err(self.error("#foreach without #end"));
                }
                Some(Node::Foreach(var, list, body))
            }
            "break" => Some(Node::Break),
            "end" | "else" | "elseif" => {
                let end = match name.as_str() {
                    "end" => BlockEnd::End,
                    "else" => BlockEnd::Else,
                    _ => {
                        self.open_paren()?;
                        let cond = self.expr()?;
                        self.close_paren()?;
                        BlockEnd::ElseIf(cond)
                    }
                };
                self.gobble(directive_starts_line, text);
                return Ok(Some(end));
            }
            _ => {
                // Not a directive we know: literal text, as Velocity does.
                self.pos = start + 1;
                text.push('#');
                self.line_clean = false;
                return Ok(None);
            }
        };
        if let Some(node) = result {
            if !matches!(node, Node::If(..) | Node::Foreach(..)) {
                self.gobble(directive_starts_line, text);
            }
            flush(nodes, text);
            nodes.push(node);
        }
        Ok(None)
    }

    /// A line holding only a directive leaves no trace in the output (its indentation and newline go too).
    fn gobble(&mut self, starts_line: bool, text: &mut String) {
        if !starts_line {
            return;
        }
        let rest = self.rest();
        let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if rest[..line_len].trim().is_empty() {
            let trimmed = text.trim_end_matches([' ', '\t']).len();
            text.truncate(trimmed);
            self.pos += line_len;
            self.line_clean = true;
        }
    }

    fn if_chain(&mut self, cond: Expr) -> Result<Node, ParseError> {
        let mut branches = Vec::new();
        let mut cond = cond;
        loop {
            let (body, end) = self.block()?;
            branches.push((cond, body));
            match end {
                BlockEnd::End => return Ok(Node::If(branches, Vec::new())),
                BlockEnd::ElseIf(next) => cond = next,
                BlockEnd::Else => {
                    let (otherwise, end) = self.block()?;
                    if !matches!(end, BlockEnd::End) {
                        return Err(self.error("#else without #end"));
                    }
                    return Ok(Node::If(branches, otherwise));
                }
                BlockEnd::Eof => return Err(self.error("#if without #end")),
            }
        }
    }

    fn open_paren(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        self.expect("(")
    }

    fn close_paren(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        self.expect(")")
    }

    /// `$name`, `$!name`, `${name}`, `$!{name}` with `.prop`, `.method(args)` and `[index]`; None if `$` starts none.
    fn reference(&mut self) -> Result<Option<Reference>, ParseError> {
        let start = self.pos;
        if !self.eat("$") {
            return Ok(None);
        }
        let quiet = self.eat("!");
        let braced = self.eat("{");
        let Some(name) = self.ident() else {
            self.pos = start;
            return Ok(None);
        };
        let mut accessors = Vec::new();
        loop {
            let rest = self.rest();
            if rest.starts_with('.') && rest[1..].chars().next().is_some_and(is_ident_start) {
                self.pos += 1;
                let member = self.ident().unwrap_or_default();
                if self.peek() == Some('(') {
                    self.pos += 1;
                    let args = self.args(")")?;
                    accessors.push(self.method(&name, accessors.is_empty(), member, args)?);
                } else {
                    accessors.push(Accessor::Property(member));
                }
            } else if rest.starts_with('[') {
                self.pos += 1;
                let index = self.expr()?;
                self.skip_ws();
                self.expect("]")?;
                accessors.push(Accessor::Index(index));
            } else {
                break;
            }
        }
        if braced {
            self.expect("}")?;
        }
        Ok(Some(Reference {
            quiet,
            name,
            accessors,
            source: self.src[start..self.pos].to_string(),
        }))
    }

    /// Compiles the JSONPath of `$input.json/path` when it is a literal, so rendering never re-parses it.
    fn method(
        &self,
        root: &str,
        first: bool,
        member: String,
        args: Vec<Expr>,
    ) -> Result<Accessor, ParseError> {
        if root == "input" && first && (member == "json" || member == "path") {
            if let [Expr::Literal(Value::String(path))] = args.as_slice() {
                let path = compile_json_path(path).map_err(|e| self.error(&e))?;
                return Ok(Accessor::InputPath {
                    json: member == "json",
                    path,
                });
            }
        }
        Ok(Accessor::Method(member, args))
    }

    fn args(&mut self, close: &str) -> Result<Vec<Expr>, ParseError> {
        let mut args = Vec::new();
        self.skip_ws();
        if self.eat(close) {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.skip_ws();
            if self.eat(close) {
                return Ok(args);
            }
            self.expect(",")?;
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let e = self.binary(0);
        self.depth -= 1;
        e
    }

    fn binary(&mut self, level: usize) -> Result<Expr, ParseError> {
        const LEVELS: &[&[(&str, BinOp)]] = &[
            &[("||", BinOp::Or), ("or ", BinOp::Or)],
            &[("&&", BinOp::And), ("and ", BinOp::And)],
            &[
                ("==", BinOp::Eq),
                ("!=", BinOp::Ne),
                ("eq ", BinOp::Eq),
                ("ne ", BinOp::Ne),
            ],
            &[
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
                ("le ", BinOp::Le),
                ("ge ", BinOp::Ge),
                ("lt ", BinOp::Lt),
                ("gt ", BinOp::Gt),
            ],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        'outer: loop {
            self.skip_ws();
            for (token, op) in LEVELS[level] {
                if self.eat(token) {
                    let right = self.binary(level + 1)?;
                    left = Expr::Binary(*op, Box::new(left), Box::new(right));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        let rest = self.rest();
        let op: fn(Box<Expr>) -> Expr = if rest.starts_with('!') && !rest.starts_with("!=") {
            self.pos += 1;
            Expr::Not
        } else if self.eat("not ") {
            Expr::Not
        } else if rest.starts_with('-') && !rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            self.pos += 1;
            Expr::Neg
        } else {
            return self.primary();
        };
        self.enter()?;
        let operand = self.unary();
        self.depth -= 1;
        Ok(op(Box::new(operand?)))
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err(self.error("expected an expression"));
        };
        match c {
            '$' => self
                .reference()?
                .map(Expr::Ref)
                .ok_or_else(|| self.error("expected a reference after `$`")),
            '"' | '\'' => self.string(c),
            '(' => {
                self.pos += 1;
                let e = self.expr()?;
                self.close_paren()?;
                Ok(e)
            }
            '[' => {
                self.pos += 1;
                self.skip_ws();
                if self.eat("]") {
                    return Ok(Expr::List(Vec::new()));
                }
                let first = self.expr()?;
                self.skip_ws();
                if self.eat("..") {
                    let last = self.expr()?;
                    self.skip_ws();
                    self.expect("]")?;
                    return Ok(Expr::Range(Box::new(first), Box::new(last)));
                }
                let mut items = vec![first];
                if !self.eat("]") {
                    self.expect(",")?;
                    items.extend(self.args("]")?);
                }
                Ok(Expr::List(items))
            }
            '{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.skip_ws();
                if self.eat("}") {
                    return Ok(Expr::Map(entries));
                }
                loop {
                    let key = self.expr()?;
                    self.skip_ws();
                    self.expect(":")?;
                    let value = self.expr()?;
                    entries.push((key, value));
                    self.skip_ws();
                    if self.eat("}") {
                        return Ok(Expr::Map(entries));
                    }
                    self.expect(",")?;
                }
            }
            c if c.is_ascii_digit() || c == '-' => self.number(),
            _ => {
                if let Some(word) = self.ident() {
                    match word.as_str() {
                        "true" => return Ok(Expr::Literal(Value::Bool(true))),
                        "false" => return Ok(Expr::Literal(Value::Bool(false))),
                        "null" => return Ok(Expr::Literal(Value::Null)),
                        _ => {}
                    }
                }
                Err(self.error("expected an expression"))
            }
        }
    }

    fn number(&mut self) -> Result<Expr, ParseError> {
        let rest = self.rest();
        let mut len = usize::from(rest.starts_with('-'));
        len += rest[len..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - len);
        let is_float = rest[len..].starts_with('.')
            && rest[len + 1..].starts_with(|c: char| c.is_ascii_digit());
        if is_float {
            len += 1;
            len += rest[len..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - len);
        }
        let text = &rest[..len];
        let value = if is_float {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        } else {
            text.parse::<i64>().ok().map(Value::from)
        };
        let value = value.ok_or_else(|| self.error(&format!("invalid number `{text}`")))?;
        self.pos += len;
        Ok(Expr::Literal(value))
    }

    /// `'...'` is literal; `"..."` interpolates references, as in Velocity.
    fn string(&mut self, quote: char) -> Result<Expr, ParseError> {
        self.pos += 1;
        let rest = self.rest();
        let len = rest
            .find(quote)
            .ok_or_else(|| self.error("unclosed string"))?;
        let body = &rest[..len];
        self.pos += len + 1;
        if quote == '\'' || !body.contains(['$', '#']) {
            return Ok(Expr::Literal(Value::String(body.to_string())));
        }
        let nodes = parse(body).map_err(|e| self.error(&format!("in string: {}", e.message)))?;
        Ok(Expr::Interpolated(nodes))
    }
}

fn flush(nodes: &mut Vec<Node>, text: &mut String) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}

//! Mapping templates: the VTL subset API Gateway users write (docs/behaviour.md §10), parsed at load time and rendered
//! against `$context`, `$input`, `$util` and `$stageVariables`.
//!
//! Lines that hold only a directive (`#set`, `#if`, `#end`, ...) produce no output, as in Velocity's
//! "lines" space gobbling; a null reference renders as written unless quiet (`$!x`).

mod parse;
mod render;

use std::cell::OnceCell;

use serde_json::Value;

pub use parse::ParseError;
pub use render::{escape_javascript, MAX_FOREACH, MAX_TEXT};

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<parse::Node>,
}

/// Why rendering stopped (the budget ran out, a bad call); the client gets an Internal server error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

/// Where `$context` and `$input.params()` come from: asked one key at a time, so rendering
/// `$context.connectionId` never builds the whole context.
pub trait Context {
    /// `$context.<key>`.
    fn get(&self, key: &str) -> Option<Value>;
    /// `$context` as a whole.
    fn all(&self) -> Value;
    /// `$input.params()`: `{"path": {}, "querystring": {...}, "header": {...}}`.
    fn params(&self) -> Value;
}

/// What a template can see.
pub struct Scope<'a> {
    pub context: &'a dyn Context,
    /// `$input.body`: the raw message or response body.
    pub body: &'a str,
    /// `$stageVariables`: an object.
    pub stage_variables: &'a Value,
    json: Json<'a>,
}

/// The body as JSON for `$input.json` and `$input.path`: given by the caller, or parsed on first use.
enum Json<'a> {
    Given(Option<&'a Value>),
    Lazy(OnceCell<Option<Value>>),
}

impl<'a> Scope<'a> {
    /// A scope whose body is parsed as JSON only if the template reads it.
    pub fn new(context: &'a dyn Context, body: &'a str, stage_variables: &'a Value) -> Self {
        Self {
            context,
            body,
            stage_variables,
            json: Json::Lazy(OnceCell::new()),
        }
    }

    /// Uses an already parsed body (`None`: the body is not JSON).
    pub fn with_json(mut self, json: Option<&'a Value>) -> Self {
        self.json = Json::Given(json);
        self
    }

    fn json(&self) -> Option<&Value> {
        match &self.json {
            Json::Given(json) => *json,
            Json::Lazy(cell) => cell
                .get_or_init(|| serde_json::from_str(self.body).ok())
                .as_ref(),
        }
    }
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, ParseError> {
        parse::parse(source).map(|nodes| Self { nodes })
    }

    pub fn render(&self, scope: &Scope<'_>) -> Result<String, RenderError> {
        let mut out = String::new();
        render::Renderer::new(scope).render(&self.nodes, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Fixed(Value);

    impl Context for Fixed {
        fn get(&self, key: &str) -> Option<Value> {
            self.0.get(key).cloned()
        }
        fn all(&self) -> Value {
            self.0.clone()
        }
        fn params(&self) -> Value {
            json!({"path": {}, "querystring": {"q": "1"}, "header": {"Host": "h"}})
        }
    }

    fn render_with(template: &str, body: &str) -> Result<String, RenderError> {
        let context = Fixed(json!({"connectionId": "abc=", "authorizer": {"n": "1"}}));
        let stage = json!({"env": "dev"});
        let scope = Scope::new(&context, body, &stage);
        Template::parse(template).expect("parses").render(&scope)
    }

    fn render(template: &str) -> String {
        render_with(template, r#"{"a": {"b": [1, 2, 3]}, "s": "it's", "n": 5}"#).unwrap()
    }

    #[test]
    fn context_input_and_stage_variables() {
        assert_eq!(
            render(r#"{"cid":"$context.connectionId"}"#),
            r#"{"cid":"abc="}"#
        );
        assert_eq!(render("$input.json('$.a')"), r#"{"b":[1,2,3]}"#);
        assert_eq!(render("$input.json('$.s')"), r#""it's""#);
        assert_eq!(render("$input.path('$.a.b').size()"), "3");
        assert_eq!(render("$input.params('q') $input.params('Host')"), "1 h");
        assert_eq!(
            render("${stageVariables.env} $stageVariables['env'] ${context.authorizer.n}"),
            "dev dev 1"
        );
        assert_eq!(render_with("$input.body", "hello").unwrap(), "hello");
    }

    #[test]
    fn util_functions() {
        assert_eq!(
            render("$util.escapeJavaScript($input.path('$.s'))"),
            "it\\'s"
        );
        assert_eq!(render("$util.urlEncode('a b&c')"), "a+b%26c");
        assert_eq!(render("$util.urlDecode('a+b%26c')"), "a b&c");
        assert_eq!(render("$util.base64Encode('hi')"), "aGk=");
        assert_eq!(render("$util.base64Decode('aGk=')"), "hi");
        assert_eq!(render("$util.parseJson('{\"k\":[1]}').k[0]"), "1");
    }

    #[test]
    fn directives() {
        assert_eq!(
            render("#set($x = 2)#if($x > 1)big#elseif($x == 1)one#{else}small#end"),
            "big"
        );
        assert_eq!(
            render("#foreach($i in $input.path('$.a.b'))$i#if($foreach.hasNext),#end#end"),
            "1,2,3"
        );
        assert_eq!(
            render("#foreach($i in [1..5])#if($i == 3)#break#end$i#end"),
            "12"
        );
        assert_eq!(render("#set($m = {})#set($m.k = 'v')$m"), "{k=v}");
        assert_eq!(render("## comment\na#* block *#b"), "ab");
        assert_eq!(render("$missing $!missing|"), "$missing |");
        assert_eq!(render("$context"), "{connectionId=abc=, authorizer={n=1}}");
        assert_eq!(render("#set($s = \"n=$input.path('$.n')\")$s"), "n=5");
        assert_eq!(
            render("$input.path('$.s').replaceAll(\"'\", \"_\").toUpperCase()"),
            "IT_S"
        );
    }

    #[test]
    fn idioms_from_aws_documentation() {
        // The documented way to JSON-quote a value: escapeJavaScript, then undo its `\'`.
        assert_eq!(
            render(r#""$util.escapeJavaScript($input.path('$.s')).replaceAll("\\'","'")""#),
            r#""it's""#
        );
        assert_eq!(
            render("#set($b = $util.parseJson($input.body))$b.a.b[2]"),
            "3"
        );
        assert_eq!(
            render("#foreach($k in $input.path('$').keySet())$k;#end"),
            "a;s;n;"
        );
        assert_eq!(render("$input.path('$').a.b.size()"), "3");
        assert_eq!(
            render("#if($input.path('$.missing'))yes#{else}no#end"),
            "no"
        );
        assert_eq!(
            render("#if(\"$!input.path('$.missing')\" == \"\")empty#end"),
            "empty"
        );
        assert_eq!(
            render("$context.authorizer.n $context.authorizer.none"),
            "1 $context.authorizer.none"
        );
    }

    #[test]
    fn directive_only_lines_leave_no_blank_lines() {
        let template = "{\n  #set($x = 1)\n  #if($x == 1)\n  \"x\": $x\n  #end\n}";
        assert_eq!(render(template), "{\n  \"x\": 1\n}");
    }

    #[test]
    fn foreach_stops_after_1000_iterations() {
        let out = render("#foreach($i in [1..5000])x#end");
        assert_eq!(out.len(), MAX_FOREACH);
    }

    #[test]
    fn exploding_templates_fail_instead_of_running_away() {
        let doubling =
            "#set($s = 'xxxxxxxxxxxxxxxx')#foreach($i in [1..100])#set($s = \"$s$s\")#end$s";
        assert!(render_with(doubling, "{}").is_err());
        let nested = "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end";
        assert!(render_with(nested, "{}").is_err());
    }

    #[test]
    fn parse_errors_have_positions() {
        let err = Template::parse("line one\n#if($x\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(Template::parse("#foreach($i in [1,2])x").is_err());
        assert!(Template::parse("#end").is_err());
        let deep = format!("#set($x = {}1{})", "(".repeat(200), ")".repeat(200));
        assert!(Template::parse(&deep).is_err());
    }
}

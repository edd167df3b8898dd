//! Request validation: JSON Schema draft 4 models compiled once per API, and the check of one message body.

use std::fmt;

use serde_json::Value;

/// A model: its JSON Schema, compiled.
pub struct Model {
    pub content_type: String,
    pub schema: Value,
    validator: jsonschema::Validator,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("schema", &self.schema)
            .finish()
    }
}

impl Model {
    /// Compiles a draft-4 schema; the error says why it is not a valid schema.
    pub fn compile(content_type: String, schema: Value) -> Result<Self, String> {
        jsonschema::draft4::meta::validate(&schema).map_err(|e| e.to_string())?;
        let validator = jsonschema::draft4::new(&schema).map_err(|e| e.to_string())?;
        Ok(Self {
            content_type,
            schema,
            validator,
        })
    }

    /// Validates a message body. A body that is not JSON fails with one error that says so.
    pub fn check(&self, body: Option<&Value>) -> Result<(), Vec<String>> {
        let Some(body) = body else {
            return Err(vec!["the message body is not valid JSON".to_string()]);
        };
        let errors: Vec<String> = self
            .validator
            .iter_errors(body)
            .map(|e| {
                let at = e.instance_path().to_string();
                if at.is_empty() {
                    e.to_string()
                } else {
                    format!("{e} (at {at})")
                }
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_property_missing_is_reported() {
        let model = Model::compile(
            "application/json".into(),
            json!({"type": "object", "required": ["message"]}),
        )
        .unwrap();
        assert!(model.check(Some(&json!({"message": "hi"}))).is_ok());
        let errors = model.check(Some(&json!({}))).unwrap_err();
        assert_eq!(errors, vec!["\"message\" is a required property"]);
        assert!(model.check(None).is_err());
    }

    #[test]
    fn invalid_schemas_are_rejected() {
        assert!(Model::compile("application/json".into(), json!({"type": 5})).is_err());
        assert!(Model::compile("application/json".into(), json!({"required": "x"})).is_err());
    }

    #[test]
    fn draft4_exclusive_maximum_is_a_boolean() {
        let model = Model::compile(
            "application/json".into(),
            json!({"maximum": 5, "exclusiveMaximum": true}),
        )
        .unwrap();
        assert!(model.check(Some(&json!(5))).is_err());
        assert!(model.check(Some(&json!(4))).is_ok());
    }
}

//! `schemagate compat`: the Schema Registry's compatibility verdict of a schema file against
//! earlier versions, as the Confluent Schema Registry computes it.

use std::io::Write;

use schemagate_core::compat::{CompatLevel, check_level};
use schemagate_protobuf as protobuf;

use super::{load_set, read_text};
use crate::{CliError, EXIT_BREAKING, EXIT_OK, OutputFormat};

// The command's doc comment (its help) is on `Command::Compat`.
#[derive(clap::Args, Debug)]
pub struct CompatArgs {
    /// The new schema file (.proto, .avsc, .json).
    input: String,
    /// Earlier versions, oldest first (repeat the flag).
    #[arg(long, required = true, num_args = 1..)]
    against: Vec<String>,
    /// PROTOBUF, AVRO or JSON (default: from the file extension).
    #[arg(long = "schema-type")]
    schema_type: Option<String>,
    /// BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE.
    #[arg(long, default_value = "BACKWARD")]
    level: String,
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
}

pub fn run(args: &CompatArgs, stdout: &mut dyn Write) -> Result<u8, CliError> {
    let (input, against) = (args.input.as_str(), args.against.as_slice());
    let level = CompatLevel::parse(&args.level)
        .ok_or_else(|| CliError::Usage(format!("unknown compatibility level `{}`", args.level)))?;
    let schema_type = match &args.schema_type {
        Some(t) => t.to_ascii_uppercase(),
        None if input.ends_with(".proto") => "PROTOBUF".into(),
        None if input.ends_with(".avsc") => "AVRO".into(),
        None if input.ends_with(".json") => "JSON".into(),
        None => return Err(CliError::Usage(format!("{input}: cannot tell the schema type; pass --schema-type"))),
    };
    let result = match schema_type.as_str() {
        "PROTOBUF" => {
            let update = load_proto_schema(input)?;
            let previous = against.iter().map(|p| load_proto_schema(p)).collect::<Result<Vec<_>, _>>()?;
            check_level(&protobuf::compat::ProtobufEngine, level, &update, &previous)
        }
        "AVRO" => {
            let parse = |name: &str, text: &str| schemagate_avro::parse(name, text, &[]).map_err(|e| e.to_string());
            let update = load_text_schema(input, parse)?;
            let previous = against.iter().map(|p| load_text_schema(p, parse)).collect::<Result<Vec<_>, _>>()?;
            check_level(&schemagate_avro::AvroEngine, level, &update, &previous)
        }
        "JSON" => {
            let parse =
                |name: &str, text: &str| schemagate_jsonschema::parse(name, text, &[]).map_err(|e| e.to_string());
            let update = load_text_schema(input, parse)?;
            let previous = against.iter().map(|p| load_text_schema(p, parse)).collect::<Result<Vec<_>, _>>()?;
            check_level(&schemagate_jsonschema::JsonSchemaEngine, level, &update, &previous)
        }
        other => {
            return Err(CliError::Usage(format!("unknown schema type `{other}` (expected PROTOBUF, AVRO or JSON)")));
        }
    };
    match args.format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&result).map_err(std::io::Error::other)?;
            writeln!(stdout, "{text}")?;
        }
        _ => {
            if result.compatible {
                writeln!(stdout, "compatible ({} against {} earlier version(s))", level.name(), against.len())?;
            } else {
                writeln!(stdout, "incompatible ({}):", level.name())?;
                for m in &result.messages {
                    writeln!(stdout, "  {} {} {}", m.kind, m.path, m.message)?;
                }
            }
        }
    }
    Ok(if result.compatible { EXIT_OK } else { EXIT_BREAKING })
}

/// Loads one Protobuf schema file (with the files it imports, from its folder).
fn load_proto_schema(path: &str) -> Result<protobuf::compat::CompatSchema, CliError> {
    let set = load_set(path)?;
    if set.single_file.is_none() {
        return Err(CliError::Usage(format!("{path}: expected a .proto file, not a folder")));
    }
    Ok(protobuf::load_compat_schema(&set)?)
}

/// Reads a schema file and parses it with a format's parser (errors name file, line, column).
fn load_text_schema<S>(path: &str, parse: impl Fn(&str, &str) -> Result<S, String>) -> Result<S, CliError> {
    let text = read_text(path)?;
    parse(path, &text).map_err(CliError::Usage)
}

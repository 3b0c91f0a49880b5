//! Renderers: each turns a `Report` into bytes and knows nothing about schema formats.

use std::io::{self, Write};

use schemagate_core::Report;

mod codeclimate;
mod github;
mod json;
mod junit;
mod markdown;
pub mod review;
mod sarif;
mod text;

pub use codeclimate::CodeClimate;
pub use github::Github;
pub use json::Json;
pub use junit::{Junit, escape as xml_escape};
pub use markdown::Markdown;
pub use sarif::Sarif;
pub use text::Text;

/// A report renderer.
pub trait Renderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Output formats selectable on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// Text with ANSI colours (a terminal).
    ColorText,
    Json,
    Markdown,
    Sarif,
    Junit,
    Github,
    /// GitLab Code Quality (Code Climate issues).
    CodeClimate,
}

impl Format {
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Text => Box::new(Text { color: false }),
            Format::ColorText => Box::new(Text { color: true }),
            Format::Json => Box::new(Json),
            Format::Markdown => Box::new(Markdown),
            Format::Sarif => Box::new(Sarif),
            Format::Junit => Box::new(Junit),
            Format::Github => Box::new(Github),
            Format::CodeClimate => Box::new(CodeClimate),
        }
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    use schemagate_core::{Finding, Level, Location, Report};

    /// The canonical report every renderer is snapshot-tested on.
    pub fn report() -> Report {
        Report::new(
            vec![
                Finding::new(
                    "FIELD_NO_DELETE",
                    Level::Error,
                    "acme/orders/v1/orders.proto",
                    Location { start_line: 12, start_column: 1, end_line: 20, end_column: 2 },
                    "Previously present field \"3\" with name \"note\" on message \"Order\" was deleted.",
                ),
                Finding::new(
                    "FILE_NO_DELETE",
                    Level::Error,
                    "acme/legacy/v1/legacy.proto",
                    Location::NONE,
                    "Previously present file \"acme/legacy/v1/legacy.proto\" was deleted.",
                ),
                Finding {
                    method: Some("GET".into()),
                    api_path: Some("/orders/{orderId}".into()),
                    ..Finding::new(
                        "response-property-type-changed",
                        Level::Error,
                        "openapi/orders.yaml",
                        Location { start_line: 41, start_column: 17, end_line: 41, end_column: 17 },
                        "the response property `total` type changed from `integer` to `string` (status 200)",
                    )
                },
            ],
            4,
        )
    }
}

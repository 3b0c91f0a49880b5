//! Renderers: each turns a `Report` into bytes and knows nothing about schema formats.

use std::io::{self, Write};

use schemagate_core::Report;

mod json;
mod text;

pub use json::Json;
pub use text::Text;

/// A report renderer.
pub trait Renderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Output formats selectable on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Text => Box::new(Text),
            Format::Json => Box::new(Json),
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
                Finding {
                    rule: "FIELD_NO_DELETE".into(),
                    level: Level::Error,
                    path: "acme/orders/v1/orders.proto".into(),
                    location: Location {
                        start_line: 12,
                        start_column: 1,
                        end_line: 20,
                        end_column: 2,
                    },
                    message: "Previously present field \"3\" with name \"note\" on message \"Order\" was deleted."
                        .into(),
                },
                Finding {
                    rule: "FILE_NO_DELETE".into(),
                    level: Level::Error,
                    path: "acme/legacy/v1/legacy.proto".into(),
                    location: Location::NONE,
                    message: "Previously present file \"acme/legacy/v1/legacy.proto\" was deleted.".into(),
                },
            ],
            4,
        )
    }
}

//! The one W3C reader for HTTP.sys error logs and IIS access logs: field names,
//! directives, column binding at every `#Fields:`, tokenizing, and line accounting.
//! What a row means is left to a [`W3cFormat`] (`httperr`, `access`), typed into its
//! table by [`read_format`].

mod fields;
mod headerless;
mod reader;
mod tokenize;
mod typing;

pub use fields::{is_iis_access_name, Field, Layout};
pub use headerless::{access_layout_for, httperr_layout_for, looks_like_httperr_line};
pub use reader::{read_w3c, Row, W3cSink, W3cStats};
pub use tokenize::{split_fields, unquote};
pub use typing::{read_format, Typing, W3cFormat};

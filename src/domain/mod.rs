//! Domain facts, each defined once: what an event, a reason phrase or a code means. Parse
//! recognises input with them, correlate reasons on them, report and simulate write
//! them. Every concept is one enum whose variants own their names (the strings written
//! to Parquet and findings.json); matches on them are exhaustive, so a new variant makes
//! the compiler list every place that must decide what to do with it.
//!
//! | module | owns |
//! |---|---|
//! | [`lifecycle`] | what happened to a pool or worker ([`LifecycleKind`]), who said so ([`Reporter`]) |
//! | [`was`] | WAS event ids: kind, template and recycle reason of each |
//! | [`messages`] | the Windows message templates of those events: render and read back |
//! | [`recycle`] | recycle reasons, their WAS event ids and `logEventOnRecycle` flags |
//! | [`httpsys`] | HTTP.sys reason phrases: their class and what they signal |
//! | [`incident`] | incident kinds and evidence sources of the findings |
//! | [`eventlog`] | event log levels and their display names, log names |
//! | [`messages`] | the message templates of the events corvid reads (exports carry only the message) |
//! | [`codes`] | Windows exception codes and Win32 statuses |
//! | [`source`] | what a bundle entry is, the form of an event log, how its times became UTC, what became of reading it |

/// Declares a domain enum whose variants own their names: the enum, `ALL` (every
/// variant, in declaration order, from the same list, so it cannot miss one), `name()`,
/// `from_name()`, `Display`, and serde as the name.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The name written to the dataset and findings.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The variant of a name.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::from_name(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} '{text}'",
                        stringify!($name)
                    ))
                })
            }
        }
    };
}

pub mod codes;
pub mod eventlog;
pub mod httpsys;
pub mod incident;
pub mod lifecycle;
pub mod messages;
pub mod recycle;
pub mod source;
pub mod was;

pub use httpsys::{ReasonClass, Signal};
pub use incident::{EvidenceSource, IncidentKind};
pub use lifecycle::{DisableCause, LifecycleKind, Reporter};
pub use recycle::RecycleReason;
pub use source::{EventForm, ReadStatus, SourceKind, TimeBasis};

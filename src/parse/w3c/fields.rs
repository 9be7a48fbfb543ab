//! W3C field names: the standard IIS and HTTP.sys fields corvid types, with the header
//! name each is written under (recognized case-insensitively, with a few aliases); any
//! other name is kept as a custom field. A bound `#Fields:` line is a [`Layout`].

/// Declares [`Field`] from one list of variants and header names, so that the enum,
/// [`Field::ALL`] and [`Field::name`] cannot disagree: adding a variant adds it to all
/// three (and grows [`FIELD_COUNT`]).
macro_rules! fields {
    ($($variant:ident => $name:literal,)*) => {
        /// A standard field corvid knows the meaning of.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Field {
            $($variant,)*
        }

        impl Field {
            /// Every field, in declaration order (`ALL[f as usize] == f`).
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The name IIS and HTTP.sys write in `#Fields:` (and in their default
            /// layouts).
            pub fn name(self) -> &'static str {
                match self {
                    $(Field::$variant => $name,)*
                }
            }
        }
    };
}

fields! {
    Date => "date",
    Time => "time",
    CIp => "c-ip",
    CPort => "c-port",
    SIp => "s-ip",
    SPort => "s-port",
    CsVersion => "cs-version",
    CsMethod => "cs-method",
    CsUri => "cs-uri",
    StreamId => "streamid",
    StreamIdEx => "streamid_ex",
    ScStatus => "sc-status",
    SSiteId => "s-siteid",
    SReason => "s-reason",
    SQueueName => "s-queuename",
    Transport => "transport",
    FaultCode => "fault-code",
    ExtendedFaultCode => "extended-fault-code",
    SSiteName => "s-sitename",
    SComputerName => "s-computername",
    CsUriStem => "cs-uri-stem",
    CsUriQuery => "cs-uri-query",
    CsUsername => "cs-username",
    UserAgent => "cs(User-Agent)",
    Cookie => "cs(Cookie)",
    Referer => "cs(Referer)",
    CsHost => "cs-host",
    ScSubstatus => "sc-substatus",
    ScWin32Status => "sc-win32-status",
    ScBytes => "sc-bytes",
    CsBytes => "cs-bytes",
    TimeTaken => "time-taken",
}

/// Number of [`Field`] variants (for lookup tables).
pub const FIELD_COUNT: usize = Field::ALL.len();

/// Other spellings of a field's name seen in the wild.
const ALIASES: &[(&str, Field)] = &[
    ("streamid-ex", Field::StreamIdEx),
    ("cs(referrer)", Field::Referer),
    ("cs(host)", Field::CsHost),
];

impl Field {
    /// Recognizes a `#Fields:` name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Field> {
        let named = Field::ALL
            .iter()
            .find(|f| f.name().eq_ignore_ascii_case(name));
        let aliased = || ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name));
        named.copied().or_else(|| aliased().map(|&(_, f)| f))
    }
}

/// Field names only IIS access logs use: their presence in `#Fields:` marks an IIS log.
pub fn is_iis_access_name(name: &str) -> bool {
    matches!(
        Field::from_name(name),
        Some(
            Field::CsUriStem
                | Field::CsUriQuery
                | Field::ScSubstatus
                | Field::ScWin32Status
                | Field::SSiteName
                | Field::TimeTaken
                | Field::CsUsername
        )
    )
}

/// A bound `#Fields:` layout: the names in order and where each known field sits.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Field names as written in the header.
    pub names: Vec<String>,
    /// For each position, the known field, if any.
    pub known: Vec<Option<Field>>,
    /// For each known field, its position.
    pos: [Option<u16>; FIELD_COUNT],
    /// 1-based line of the `#Fields:` directive (0 for an inferred layout).
    pub header_line: u64,
    /// Whether the layout was inferred from the shape of a header-less line.
    pub inferred: bool,
}

impl Layout {
    /// Binds a list of names.
    pub fn new(names: Vec<String>, header_line: u64, inferred: bool) -> Layout {
        let mut pos = [None; FIELD_COUNT];
        let known: Vec<Option<Field>> = names.iter().map(|n| Field::from_name(n)).collect();
        for (i, k) in known.iter().enumerate() {
            if let Some(f) = k {
                // First occurrence wins; a repeated name is kept as a custom field.
                if pos[*f as usize].is_none() && i <= u16::MAX as usize {
                    pos[*f as usize] = Some(i as u16);
                }
            }
        }
        let known = known
            .iter()
            .enumerate()
            .map(|(i, k)| k.filter(|f| pos[*f as usize] == Some(i as u16)))
            .collect();
        Layout {
            names,
            known,
            pos,
            header_line,
            inferred,
        }
    }

    /// An inferred layout: the default `fields` of a header-less log, then `trailing`
    /// custom fields named `x-unnamed-1`, `x-unnamed-2`...
    pub fn inferred(fields: &[Field], trailing: usize) -> Layout {
        let names = fields
            .iter()
            .map(|f| f.name().to_string())
            .chain((1..=trailing).map(|k| format!("x-unnamed-{k}")))
            .collect();
        Layout::new(names, 0, true)
    }

    /// Position of a known field.
    #[inline]
    pub fn pos(&self, f: Field) -> Option<usize> {
        self.pos[f as usize].map(|p| p as usize)
    }

    /// Whether the layout has the field.
    pub fn has(&self, f: Field) -> bool {
        self.pos[f as usize].is_some()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the layout has no field.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_declaration_order_and_names_round_trip() {
        assert_eq!(FIELD_COUNT, Field::ALL.len());
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i);
            assert_eq!(Field::from_name(f.name()), Some(*f));
            assert_eq!(Field::from_name(&f.name().to_ascii_uppercase()), Some(*f));
        }
        assert_eq!(Field::from_name("Streamid-Ex"), Some(Field::StreamIdEx));
        assert_eq!(Field::from_name("cs(Referrer)"), Some(Field::Referer));
        assert_eq!(Field::from_name("cs(Host)"), Some(Field::CsHost));
        assert_eq!(Field::from_name("x-forwarded-for"), None);
    }
}

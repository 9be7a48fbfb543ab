//! Windows codes the logs carry: exception codes (Application Error, WER, WAS exit
//! codes) and the Win32 statuses of W3C lines that mean the connection broke.

/// Win32 statuses (`sc-win32-status`) that mean the connection broke (domain.md §2.7).
pub const BROKEN_WIN32: &[i64] = &[64, 121, 995, 1229, 1236];

/// Whether a W3C `sc-win32-status` means the connection broke.
pub fn is_broken_connection(win32: i64) -> bool {
    BROKEN_WIN32.contains(&win32)
}

/// The name of a Windows exception code (`0x` + 8 hex digits, any case).
pub fn exception_name(code: &str) -> Option<&'static str> {
    Some(match code.to_ascii_lowercase().as_str() {
        "0xc0000005" => "access violation",
        "0xc00000fd" => "stack overflow",
        "0xc0000409" => "stack buffer overrun (fail-fast)",
        "0xc0000374" => "heap corruption",
        "0xe0434352" => "CLR exception (unhandled .NET exception)",
        "0xe0434f4d" => "CLR exception (unhandled .NET exception, .NET 2.0)",
        "0xc0000017" => "out of memory",
        "0x80000003" => "breakpoint",
        "0xc000001d" => "illegal instruction",
        "0xc0000602" => "fail-fast exception",
        "0xc06d007e" => "module not found (delay load)",
        "0x800703e9" => "stack overflow (HRESULT)",
        "0xffffffff" => "fatal error (exit -1)",
        "0xfffffffd" => "killed by WAS",
        "0xfffffffe" => "clean exit",
        _ => return None,
    })
}

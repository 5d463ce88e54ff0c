//! Numbers as text for error messages, without `f64`'s `Display`: that one
//! brings the float formatting machinery of `core::fmt` (about 20 KB of wasm).

/// Significant digits shown at most.
const DIGITS: u32 = 15;

/// `value` much as JS prints it: whole numbers as integers, others with up to
/// 15 significant digits (trailing zeros dropped), numbers from 1e19 and below
/// 1e-6 in exponent form (`1.5e+300`), and `NaN`, `Infinity`, `-Infinity`.
pub fn number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    if v.is_infinite() {
        return format!("{sign}Infinity");
    }
    if v == 0.0 {
        return "0".into();
    }
    if v.fract() == 0.0 && v < 1e19 {
        return format!("{sign}{}", v as u64);
    }
    if v >= 1e-6 && v.fract() != 0.0 {
        // Below 2^52, or it would be whole: at least one digit after the point.
        let places = DIGITS.saturating_sub(digits(v as u64)).max(1);
        return format!("{sign}{}", fixed(v, places));
    }
    // One digit before the point and an exponent; the divisions lose a few
    // units in the last place, far below the 7 digits shown.
    let (mut m, mut e) = (v, 0i32);
    while m >= 10.0 {
        m /= 10.0;
        e += 1;
    }
    while m < 1.0 {
        m *= 10.0;
        e -= 1;
    }
    let mut mantissa = fixed(m, 6);
    if mantissa.starts_with("10") {
        // 9.9999999 rounded up.
        mantissa = "1".into();
        e += 1;
    }
    let exp_sign = if e < 0 { '-' } else { '+' };
    format!("{sign}{mantissa}e{exp_sign}{}", e.unsigned_abs())
}

/// How many decimal digits `n` has (0 for 0).
fn digits(mut n: u64) -> u32 {
    let mut count = 0;
    while n > 0 {
        n /= 10;
        count += 1;
    }
    count
}

/// Non-negative `v` (below 2^63) with at most `places` digits after the point,
/// rounded half up, trailing zeros dropped.
fn fixed(v: f64, places: u32) -> String {
    let scale = 10u64.pow(places.min(DIGITS));
    let whole = v.floor();
    let mut int = whole as u64;
    let mut frac = ((v - whole) * scale as f64 + 0.5).floor() as u64;
    if frac >= scale {
        int += 1;
        frac = 0;
    }
    let mut out = int.to_string();
    if frac > 0 {
        let mut tail = frac.to_string();
        let zeros = (digits(scale) - 1).saturating_sub(digits(frac));
        let mut padded = "0".repeat(zeros as usize);
        while tail.ends_with('0') {
            tail.pop();
        }
        padded.push_str(&tail);
        out.push('.');
        out.push_str(&padded);
    }
    out
}

/// `items` separated by commas (`[&str]::join` is a generic of its own in
/// the module).
pub fn comma_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for item in items {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(item.as_ref());
    }
    out
}

//! HTTP authentication for device pull clients: Digest (RFC 7616/2617, via the `digest_auth`
//! crate) and Basic (RFC 7617).
//!
//! Hikvision ISAPI and Dahua CGI both demand Digest (docs/DEVICE-FORMATS.md §1 "Transports", §3
//! "Structure"): the first request goes without credentials, the device answers `401` with
//! `WWW-Authenticate: Digest realm="…", nonce="…", qop="auth"`, and the request is repeated with an
//! `Authorization: Digest …` header (MD5 unless the device names another algorithm, `qop=auth`,
//! `nc` counting up for every request signed with the same nonce, a fresh random `cnonce`). Some
//! firmware (or a proxy in front) asks for Basic instead; then `Authorization: Basic base64(user:pass)`.
//!
//! [`HttpAuth`] keeps the last challenge, so a reconnect signs its first request with the known
//! nonce (the next `nc`) and only needs a second round trip when the device has rotated it.

use digest_auth::{AuthContext, WwwAuthenticateHeader};

/// Why no `Authorization` header could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The device sent no `WWW-Authenticate` header with a scheme this client speaks
    /// (Digest or Basic).
    #[error("no supported WWW-Authenticate challenge (Digest or Basic)")]
    NoSupportedChallenge,
    /// The Digest challenge could not be parsed or answered (bad syntax, unknown algorithm or qop).
    #[error("unusable Digest challenge: {0}")]
    BadChallenge(String),
}

#[derive(Debug, Clone)]
enum Challenge {
    Digest(Box<WwwAuthenticateHeader>),
    Basic,
}

/// Credentials plus the device's last challenge. Not `Clone` on purpose: `nc` must count up in one
/// place.
pub struct HttpAuth {
    username: String,
    password: String,
    challenge: Option<Challenge>,
}

impl std::fmt::Debug for HttpAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field(
                "challenge",
                &self.challenge.as_ref().map(|c| matches!(c, Challenge::Digest(_))),
            )
            .finish()
    }
}

impl HttpAuth {
    /// Credentials for one device. An empty username means "no authentication": no header is
    /// ever produced.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        HttpAuth {
            username: username.into(),
            password: password.into(),
            challenge: None,
        }
    }

    /// Whether a challenge is known (the next request can be signed without a round trip).
    pub fn has_challenge(&self) -> bool {
        self.challenge.is_some()
    }

    /// Whether a username is configured (without one no header is ever produced).
    pub fn has_username(&self) -> bool {
        !self.username.is_empty()
    }

    /// Forgets the challenge (the next request goes unsigned).
    pub fn clear(&mut self) {
        self.challenge = None;
    }

    /// Takes the challenge from every `WWW-Authenticate` value of a `401` answer. Digest is
    /// preferred over Basic. Each value is matched by its leading scheme, so a single value that
    /// combines several challenges is read as its first one (devices send one header per scheme).
    ///
    /// Errors: [`AuthError::NoSupportedChallenge`] when no value starts with `Digest` or `Basic`
    /// (any case); [`AuthError::BadChallenge`] when the only Digest challenge is unusable.
    pub fn set_challenge<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> Result<(), AuthError> {
        let mut basic = false;
        let mut bad = None;
        for v in values {
            let v = v.trim();
            if let Some(rest) = strip_scheme(v, "digest") {
                // digest_auth 0.3 indexes the string by char count and panics on non-ASCII input;
                // header values are ASCII anyway (reqwest's `to_str` refuses anything else).
                if !rest.is_ascii() {
                    bad = Some("non-ASCII challenge".into());
                    continue;
                }
                match WwwAuthenticateHeader::parse(rest) {
                    Ok(h) => {
                        self.challenge = Some(Challenge::Digest(Box::new(h)));
                        return Ok(());
                    }
                    Err(e) => bad = Some(e.to_string()),
                }
            } else if strip_scheme(v, "basic").is_some() {
                basic = true;
            }
        }
        if basic {
            self.challenge = Some(Challenge::Basic);
            return Ok(());
        }
        self.challenge = None;
        Err(match bad {
            Some(e) => AuthError::BadChallenge(e),
            None => AuthError::NoSupportedChallenge,
        })
    }

    /// The `Authorization` value for a GET of `uri` (path and query as sent on the request line,
    /// e.g. `/cgi-bin/eventManager.cgi?action=attach&codes=[All]`); `Ok(None)` before any challenge
    /// or without a username. Each Digest answer counts `nc` up by one.
    pub fn authorization(&mut self, uri: &str) -> Result<Option<String>, AuthError> {
        if self.username.is_empty() {
            return Ok(None);
        }
        match &mut self.challenge {
            None => Ok(None),
            Some(Challenge::Basic) => Ok(Some(format!(
                "Basic {}",
                base64_encode(format!("{}:{}", self.username, self.password).as_bytes())
            ))),
            Some(Challenge::Digest(h)) => {
                let ctx = AuthContext::new(self.username.as_str(), self.password.as_str(), uri);
                h.respond(&ctx)
                    .map(|a| Some(a.to_header_string()))
                    .map_err(|e| AuthError::BadChallenge(e.to_string()))
            }
        }
    }
}

/// The rest of `v` after the auth scheme `scheme` (case-insensitive) and whitespace.
fn strip_scheme<'a>(v: &'a str, scheme: &str) -> Option<&'a str> {
    let head = v.get(..scheme.len())?;
    if !head.eq_ignore_ascii_case(scheme) {
        return None;
    }
    let rest = &v[scheme.len()..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some(rest.trim_start())
}

/// Standard base64 with padding (RFC 4648 §4), for Basic credentials.
pub(crate) fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let idx = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(idx(18));
        out.push(idx(12));
        out.push(if chunk.len() > 1 { idx(6) } else { '=' });
        out.push(if chunk.len() > 2 { idx(0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (i, o) in cases {
            assert_eq!(base64_encode(i.as_bytes()), o);
        }
    }

    #[test]
    fn digest_preferred_and_nc_counts() {
        let mut a = HttpAuth::new("admin", "pw");
        a.set_challenge(["Basic realm=\"x\"", "Digest realm=\"IPC\", nonce=\"abc\", qop=\"auth\""])
            .unwrap();
        let h1 = a
            .authorization("/ISAPI/Event/notification/alertStream")
            .unwrap()
            .unwrap();
        let h2 = a
            .authorization("/ISAPI/Event/notification/alertStream")
            .unwrap()
            .unwrap();
        assert!(h1.starts_with("Digest "), "{h1}");
        assert!(h1.contains("nc=00000001") && h2.contains("nc=00000002"), "{h1} / {h2}");
    }

    #[test]
    fn basic_and_unsupported() {
        let mut a = HttpAuth::new("admin", "pw");
        a.set_challenge(["basic realm=\"x\""]).unwrap();
        assert_eq!(a.authorization("/").unwrap().as_deref(), Some("Basic YWRtaW46cHc="));
        assert_eq!(a.set_challenge(["Bearer x"]), Err(AuthError::NoSupportedChallenge));
        assert!(a.authorization("/").unwrap().is_none());
    }
}

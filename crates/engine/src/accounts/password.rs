//! Password hashing (Argon2id) and the password policy. Security-sensitive.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use neibao_domain::error::{DomainError, ErrorCode};

/// Argon2id hash in PHC format, with the `argon2` crate's defaults: m = 19 MiB, t = 2, p = 1
/// (the OWASP minimum for Argon2id). Older hashes with other parameters still verify.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with default params")
        .to_string()
}

/// Constant-time check of a password against a PHC hash; false for a malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Shortest password accepted (characters).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The password policy: at least [`MIN_PASSWORD_CHARS`] characters, three of the four classes
/// (lower case, upper case, digits, other), not containing the user name, and not a known
/// default. GB/T 22239-2019 (等保 2.0) 8.1.4.1 a: passwords with complexity requirements.
///
/// Errors: `weak_password` (400) with the first rule broken, in Chinese.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), DomainError> {
    let weak = |m: &str| {
        Err(DomainError::with_message(
            ErrorCode::WeakPassword,
            format!("密码不符合安全策略：{m}"),
        ))
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return weak(&format!("至少 {MIN_PASSWORD_CHARS} 个字符"));
    }
    if password.chars().count() > 256 {
        return weak("不超过 256 个字符");
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|&&b| b).count() < 3 {
        return weak("须包含大写字母、小写字母、数字、符号中的至少三类");
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return weak("不得包含用户名");
    }
    if ["neibao", "password", "12345678", "qwerty", "admin"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return weak("不得包含常见弱口令或系统名称");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn password_policy() {
        assert!(check_password_policy("Short1!", "u").is_err());
        assert!(check_password_policy("alllowercaseletters", "u").is_err());
        assert!(check_password_policy("Zhangsan-2026!x", "zhangsan").is_err());
        assert!(check_password_policy("Neibao-demo-2026", "u").is_err());
        assert!(check_password_policy("Xk7#mq-Lw9-pz", "zhangsan").is_ok());
        let e = check_password_policy("abc", "u").unwrap_err();
        assert_eq!(e.code, ErrorCode::WeakPassword);
    }
}

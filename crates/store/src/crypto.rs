//! Field-level encryption of sensitive personal information at rest. Security-sensitive.
//!
//! AES-256-GCM (the `aes-gcm` crate) with a random 96-bit nonce per value. Ciphertexts are text:
//! `{key_id}:{base64(nonce ‖ ciphertext ‖ tag)}`, so the key id travels with every value and a
//! later key rotation can tell which key to use. Keys live in `{data_dir}/keys/{key_id}.key`
//! (32 random bytes, created on first start with mode 0600) or come from configuration
//! (`NEIBAO_FIELD_KEY`, base64). The column name is bound as associated data, so a ciphertext
//! copied into another column does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{anyhow, bail, Context};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use std::collections::HashMap;
use std::path::Path;

/// A key ring: the current key (used to encrypt) and all known keys (used to decrypt).
#[derive(Clone)]
pub struct FieldCipher {
    current: String,
    keys: HashMap<String, Aes256Gcm>,
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldCipher(current={})", self.current)
    }
}

impl FieldCipher {
    /// A ring with one key.
    pub fn from_key(key_id: &str, key: &[u8; 32]) -> FieldCipher {
        let mut keys = HashMap::new();
        keys.insert(key_id.to_string(), Aes256Gcm::new(key.into()));
        FieldCipher {
            current: key_id.to_string(),
            keys,
        }
    }

    /// Loads every `*.key` file in `{dir}/keys`, creating `k1.key` when there is none. The key
    /// whose id sorts last is current. `NEIBAO_FIELD_KEY` (base64 of 32 bytes), when set,
    /// overrides the files with id `env1`.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<FieldCipher> {
        if let Ok(b64) = std::env::var("NEIBAO_FIELD_KEY") {
            let bytes = B64.decode(b64.trim()).context("NEIBAO_FIELD_KEY is not base64")?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow!("NEIBAO_FIELD_KEY must be 32 bytes"))?;
            return Ok(FieldCipher::from_key("env1", &key));
        }
        let dir = data_dir.join("keys");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut ids: Vec<String> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".key"))
                    .map(str::to_string)
            })
            .collect();
        if ids.is_empty() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            let path = dir.join("k1.key");
            write_private(&path, &key)?;
            ids.push("k1".into());
        }
        ids.sort();
        let mut keys = HashMap::new();
        for id in &ids {
            let bytes = std::fs::read(dir.join(format!("{id}.key")))?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow!("key file {id}.key must hold 32 bytes"))?;
            keys.insert(id.clone(), Aes256Gcm::new(&key.into()));
        }
        Ok(FieldCipher {
            current: ids.last().cloned().expect("non-empty"),
            keys,
        })
    }

    /// Encrypts `plaintext` for column `aad` (e.g. `"responsible_persons.citizen_id"`).
    pub fn encrypt(&self, aad: &str, plaintext: &str) -> String {
        let cipher = &self.keys[&self.current];
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        format!("{}:{}", self.current, B64.encode(out))
    }

    /// Decrypts a value produced by [`FieldCipher::encrypt`] for the same column.
    ///
    /// Errors: unknown key id, malformed text, or failed authentication (tampered or moved value).
    pub fn decrypt(&self, aad: &str, stored: &str) -> anyhow::Result<String> {
        let (id, b64) = stored
            .split_once(':')
            .ok_or_else(|| anyhow!("ciphertext without key id"))?;
        let cipher = self.keys.get(id).ok_or_else(|| anyhow!("unknown field key id {id}"))?;
        let bytes = B64.decode(b64)?;
        if bytes.len() < 12 + 16 {
            bail!("ciphertext too short");
        }
        let (nonce, ct) = bytes.split_at(12);
        let pt = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| anyhow!("ciphertext failed authentication"))?;
        Ok(String::from_utf8(pt)?)
    }
}

impl FieldCipher {
    /// Encrypts binary data (raw device payloads, images) for column `aad`. Layout:
    /// `len(key_id) ‖ key_id ‖ nonce(12) ‖ ciphertext ‖ tag(16)`.
    pub fn encrypt_bytes(&self, aad: &str, plaintext: &[u8]) -> Vec<u8> {
        let cipher = &self.keys[&self.current];
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption cannot fail for in-memory data");
        let id = self.current.as_bytes();
        let mut out = Vec::with_capacity(1 + id.len() + 12 + ct.len());
        out.push(id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&nonce);
        out.extend(ct);
        out
    }

    /// Decrypts what [`FieldCipher::encrypt_bytes`] produced for the same column.
    pub fn decrypt_bytes(&self, aad: &str, stored: &[u8]) -> anyhow::Result<Vec<u8>> {
        let (&n, rest) = stored.split_first().ok_or_else(|| anyhow!("empty ciphertext"))?;
        if rest.len() < n as usize + 12 + 16 {
            bail!("ciphertext too short");
        }
        let (id, rest) = rest.split_at(n as usize);
        let id = std::str::from_utf8(id)?;
        let cipher = self.keys.get(id).ok_or_else(|| anyhow!("unknown field key id {id}"))?;
        let (nonce, ct) = rest.split_at(12);
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| anyhow!("ciphertext failed authentication"))
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating key file {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let c = FieldCipher::from_key("k1", &[7u8; 32]);
        let ct = c.encrypt("t.col", "11010519491231002X");
        assert!(ct.starts_with("k1:"));
        assert!(!ct.contains("19491231"));
        assert_eq!(c.decrypt("t.col", &ct).unwrap(), "11010519491231002X");
        assert!(c.decrypt("t.other", &ct).is_err(), "bound to its column");
        assert_ne!(ct, c.encrypt("t.col", "11010519491231002X"), "random nonce");
        let b = c.encrypt_bytes("t.raw", b"<xml>\xff</xml>");
        assert_eq!(c.decrypt_bytes("t.raw", &b).unwrap(), b"<xml>\xff</xml>");
        assert!(c.decrypt_bytes("t.other", &b).is_err());
        assert!(c.decrypt_bytes("t.raw", &b[..5]).is_err());
    }
}

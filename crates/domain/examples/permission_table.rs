//! Prints the permission table as Markdown (docs/SECURITY.md carries it):
//! `cargo run -p neibao-domain --example permission_table`.
fn main() {
    print!("{}", neibao_domain::access::markdown_table());
}

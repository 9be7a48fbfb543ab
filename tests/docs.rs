//! The README's table reference is the one `corvid schema` prints (generated from
//! src/tables, the single definition of each table).

#[test]
fn readme_lists_the_tables_as_defined() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- schema:start -->\n")
        .expect("README has the schema markers")
        + "<!-- schema:start -->\n".len();
    let end = readme.find("<!-- schema:end -->").unwrap();
    assert_eq!(
        &readme[start..end],
        corvid::tables::schema_markdown(),
        "README.md is out of date: paste the output of `corvid schema` between the markers"
    );
}

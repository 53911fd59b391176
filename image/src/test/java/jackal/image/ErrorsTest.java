package jackal.image;

import static jackal.image.Scripts.error;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.eval.Interpreter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every lexical, syntax and semantic error, each at its exact place. In each source the character
 * {@code ¶} marks where the error must be reported; it is removed before the script runs.
 */
class ErrorsTest {
  private static final String MARK = "¶";

  @TempDir Path dir;

  static Stream<Arguments> errors() {
    return Stream.of(
        // ---- lexical ----
        e("unexpectedCharacter", "module t { def x = ¶# 1; }", "unexpected character '#'"),
        e(
            "unclosedComment",
            "module t {\n  ¶/* never closed\n}",
            "comment is not closed: '/*' without '*/'"),
        e("unclosedString", "module t { print ¶\"abc", "string is not closed: missing '\"'"),
        e(
            "stringAcrossALine",
            "module t { print ¶\"ab\ncd\"; }",
            "string is not closed before the end of the line"),
        e("unknownEscape", "module t { print \"a¶\\q\"; }", "unknown escape '\\q' in string"),
        e(
            "badUnicodeEscape",
            "module t { print \"¶\\{41}\"; }",
            "a '\\{' escape is written \\{U+hex}"),
        e(
            "notACodePoint",
            "module t { print \"¶\\{U+D800}\"; }",
            "U+D800 is not a Unicode code point"),
        e(
            "controlCharacterInString",
            "module t { print \"a¶\tb\"; }",
            "character U+0009 is not allowed in a string; write it as \\{U+9}"),
        e(
            "octalDigitTooLarge",
            "module t { def x = 01¶8; }",
            "digit '8' is not valid in base 8 (literal '018')"),
        e(
            "hexDigitTooLarge",
            "module t { def x = 0x1¶g; }",
            "digit 'g' is not valid in base 16 (literal '0x1g')"),
        e(
            "letterInDecimal",
            "module t { def x = 12¶a; }",
            "digit 'a' is not valid in base 10 (literal '12a')"),
        e(
            "hexWithoutDigits",
            "module t { def x = ¶0x; }",
            "hexadecimal literal '0x' has no digits"),
        e(
            "literalTooLarge",
            "module t { def x = ¶18446744073709551616; }",
            "integer literal '18446744073709551616' does not fit in 64 bits"),
        e(
            "doubleUnderscoreIsReserved",
            "module t { def ¶__x = 1; }",
            "identifier '__x' starts with '__', which is reserved"),
        // ---- syntax ----
        e(
            "fileWithoutModule",
            "¶def x = 1;",
            "a file must start with 'module NAME {', found reserved word 'def'"),
        e(
            "missingSemicolon",
            "module t {\n  def x = 1\n  ¶def y = 2;\n}",
            "expected ';' after the definition of 'x', found reserved word 'def'"),
        e(
            "reservedWordAsName",
            "module t { def ¶if = 1; }",
            "expected a name after 'def', found reserved word 'if', which cannot be used as a name"),
        e("missingExpression", "module t { def x = ¶; }", "expected an expression, found ';'"),
        e(
            "textAfterModule",
            "module t { def x = 1; } ¶x",
            "nothing may follow the module's closing '}', found identifier 'x'"),
        e("moduleNotClosed", "module t { def x = 1; ¶", "module t is not closed: missing '}'"),
        e("returnOutsideProcedure", "module t { ¶return 1; }", "'return' outside a procedure"),
        e(
            "importInsideAProcedure",
            "module t { def f() { ¶import x = y; } }",
            "'import' is allowed only at the top level of a module"),
        e(
            "blockAsStatement",
            "module t { ¶{ 1; } }",
            "a block is not a statement; write 'def x = { ... };' to use its value"),
        e("emptyBlock", "module t { def f() ¶{ } }", "a block needs at least one statement"),
        e(
            "unimplementedReservedWord",
            "module t { def f = ¶lambda; }",
            "reserved word 'lambda' is not implemented"),
        e(
            "newOfAnUnknownKind",
            "module t { def p = new ¶Thing(b); }",
            "'new' needs an object kind (Bank, Page, CapPage, GPT, Endpoint, Process), found identifier 'Thing'"),
        e(
            "assignmentToALiteral",
            "module t { ¶1 = 2; }",
            "the left side of '=' must be a name, a field or a slot (at 1:14)"),
        e("duplicateParameter", "module t { def f(a, ¶a) { a; } }", "parameter 'a' appears twice"),
        e("duplicateEnumMember", "module t { enum { A, ¶A } }", "member 'A' appears twice"),
        e(
            "unclosedParenthesis",
            "module t { def x = (1 + 2 ¶; }",
            "expected ')' to close the '(' at 1:20, found ';'"),
        e(
            "nestingTooDeep",
            "module t { def x = " + "(".repeat(200) + "¶1" + ")".repeat(200) + "; }",
            "nested too deeply (more than 200 levels)"),
        // ---- semantic ----
        e(
            "unknownIdentifier",
            "module t {\n  def x = 1;\n  print x + ¶y;\n}",
            "unknown identifier 'y'"),
        e(
            "hyphenatedNameLooksLikeSubtraction",
            "module t { def x = 1; print ¶x-1; }",
            "unknown identifier 'x-1' (a '-' inside a name is part of it: write 'x - 1' to"
                + " subtract)"),
        e(
            "wrongArgumentCount",
            "module t { def f(a, b) { a; } print ¶f(1); }",
            "procedure 'f' takes 2 arguments, given 1"),
        e(
            "runawayRecursion",
            "module t { def f(n) { ¶f(n + 1); } f(0); }",
            "calls nested more than 200 deep (runaway recursion?) calling 'f'"),
        e("assignmentToUnknownIdentifier", "module t { ¶z = 1; }", "unknown identifier 'z'"),
        e(
            "assignmentToEnumConstant",
            "module t { enum { A } ¶A = 2; }",
            "cannot assign to 'A': it is a constant, defined at t.mki:1:19"),
        e(
            "redefinitionInOneScope",
            "module t { def x = 1; ¶def x = 2; }",
            "'x' is already defined in this scope, at t.mki:1:12"),
        e(
            "addingAStringToAnInteger",
            "module t { print \"a\" ¶+ 1; }",
            "operator '+' needs two integers or two strings, not a string and an integer"),
        e(
            "subtractingStrings",
            "module t { print \"a\" ¶- \"b\"; }",
            "operator '-' needs two integers, not a string and a string"),
        e(
            "orderingBooleans",
            "module t { print true ¶< false; }",
            "operator '<' needs two integers, not a boolean and a boolean"),
        e(
            "comparingDifferentTypes",
            "module t { print 1 ¶== \"1\"; }",
            "cannot compare an integer with a string"),
        e(
            "negatingAString",
            "module t { print ¶-\"a\"; }",
            "operator '-' needs an integer, not a string"),
        e(
            "conditionOfWrongType",
            "module t { if (¶\"yes\") { print 1; } }",
            "a condition must be an integer or a boolean, not a string"),
        e("divisionByZero", "module t { print 1 ¶/ 0; }", "division by zero"),
        e("remainderByZero", "module t { enum { A = 1 ¶% 0 } }", "remainder by zero"),
        e("callingANonProcedure", "module t { def x = 1; ¶x(); }", "cannot call 'x', an integer"),
        e(
            "fieldOfAnInteger",
            "module t { def x = 1; print x.¶size; }",
            "an integer has no field 'size'"),
        e(
            "assignmentToAFieldOfAnInteger",
            "module t { def x = 1; x.¶size = 2; }",
            "cannot assign to field 'size': an integer has no fields"),
        e(
            "indexingAnInteger",
            "module t { def x = 1; print x¶[0]; }",
            "cannot index an integer: it has no slots"),
        e(
            "assignmentToASlotOfAString",
            "module t { def x = \"s\"; x¶[0] = 2; }",
            "cannot assign to a slot of a string"),
        e("unknownEnumMember", "module t { enum E { A } print E.¶B; }", "enum E has no member 'B'"),
        e(
            "assignmentToAnEnumMember",
            "module t { enum E { A } E.¶A = 1; }",
            "cannot assign to 'A' of enum E: its names are read-only"),
        e(
            "enumValueCallsAProcedure",
            "module t { def f() { 1; } enum { A = ¶f() } }",
            "an enumeration value may use only integers, arithmetic and earlier constants"),
        e(
            "enumValueUsesAVariable",
            "module t { def v = 1; enum { A = ¶v } }",
            "'v' is not an enumeration constant, so an enumeration value cannot use it"),
        e(
            "exportOfAnUndefinedName",
            "module t { export ¶nothing; }",
            "cannot export 'nothing': it is not defined in this module"),
        e(
            "moduleNotFound",
            "module t { import x = ¶no.such; }",
            "module no.such not found: no no/such.mki in the search path []"),
        e("fatalStopsTheImage", "module t { ¶fatal(\"bad config\"); }", "fatal: bad config"),
        e(
            "builtinArgumentCount",
            "module t { ¶fatal(); }",
            "builtin 'fatal' takes 1 argument, given 0"),
        e(
            "newBeforeObjectsExist",
            "module t { def p = ¶new Page(1); }",
            "'new Page' is not supported yet: this interpreter has no kernel objects"));
  }

  private static Arguments e(String name, String marked, String detail) {
    return Arguments.of(name, marked, detail);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void reportedAtTheExactPlace(String name, String marked, String detail) {
    int at = marked.indexOf(MARK);
    assertThat(at).as("%s has a mark", name).isNotNegative();
    String before = marked.substring(0, at);
    int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
    String lastLine = before.substring(before.lastIndexOf('\n') + 1);
    int column = lastLine.codePointCount(0, lastLine.length()) + 1;

    ImageException ex = error(marked.replace(MARK, ""));

    assertThat(ex.detail()).isEqualTo(detail);
    assertThat(ex.file()).isEqualTo("t.mki");
    assertThat(ex.line()).as("line").isEqualTo(line);
    assertThat(ex.column()).as("column").isEqualTo(column);
    assertThat(ex.getMessage()).isEqualTo("t.mki:" + line + ":" + column + ": " + detail);
  }

  @Test
  void aPrivateNameOfAModuleIsNotVisibleToItsImporter() throws Exception {
    Files.writeString(dir.resolve("lib.mki"), "module lib { def hidden = 1; }");
    ImageException ex = error("module t {\n import l = lib;\n print l.hidden;\n}", dir);
    assertThat(ex.getMessage()).isEqualTo("t.mki:3:10: 'hidden' is not exported by module lib");
  }

  @Test
  void aNameAModuleLacksIsReportedAsMissing() throws Exception {
    Files.writeString(dir.resolve("lib.mki"), "module lib { export def a = 1; }");
    ImageException ex = error("module t {\n import l = lib;\n print l.b;\n}", dir);
    assertThat(ex.getMessage()).isEqualTo("t.mki:3:10: module lib has no symbol 'b'");
  }

  @Test
  void anImportedModuleIsReadOnly() throws Exception {
    Files.writeString(dir.resolve("lib.mki"), "module lib { export def a = 1; }");
    ImageException ex = error("module t {\n import l = lib;\n l.a = 2;\n}", dir);
    assertThat(ex.getMessage())
        .isEqualTo("t.mki:3:4: cannot assign to 'a' of module lib: its names are read-only");
  }

  @Test
  void anErrorInAnImportedFileNamesThatFile() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Path lib = dir.resolve("a/b.mki");
    Files.writeString(lib, "module a.b {\n  export def x = 1 + \"s\";\n}");
    ImageException ex = error("module t { import y = a.b; }", dir);
    assertThat(ex.getMessage())
        .isEqualTo(
            lib
                + ":2:20: operator '+' needs two integers or two strings, not an integer"
                + " and a string");
  }

  @Test
  void aFileDeclaringAnotherModuleIsRefused() throws Exception {
    Files.writeString(dir.resolve("lib.mki"), "module\n  other { }");
    ImageException ex = error("module t { import l = lib; }", dir);
    assertThat(ex.getMessage())
        .isEqualTo(
            dir.resolve("lib.mki")
                + ":2:3: file lib.mki declares module other, but was imported as lib");
  }

  @Test
  void anImportCycleIsReportedWithItsPath() throws Exception {
    Files.writeString(dir.resolve("a.mki"), "module a { import b = b; }");
    Files.writeString(dir.resolve("b.mki"), "module b {\n  import a = a; }");
    ImageException ex = error("module t { import a = a; }", dir);
    assertThat(ex.getMessage())
        .isEqualTo(dir.resolve("b.mki") + ":2:14: module a imports itself: a -> b -> a");
  }

  @Test
  void aFileThatIsNotUtf8IsRefused() throws Exception {
    Path bad = dir.resolve("bad.mki");
    Files.write(bad, new byte[] {'m', 'o', (byte) 0xC3, (byte) 0x28});
    ImageException ex = error("module t { import b = bad; }", dir);
    assertThat(ex.getMessage()).isEqualTo(bad + ":1:1: file is not valid UTF-8");
  }

  @Test
  void theRecursionLimitIsConfigurable() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Interpreter shallow =
        new Interpreter(List.of(), new PrintStream(sink, true, StandardCharsets.UTF_8), 3);
    org.assertj.core.api.Assertions.assertThatExceptionOfType(ImageException.class)
        .isThrownBy(
            () ->
                shallow.runSource(
                    "t.mki",
                    "module t { def f(n) { if (n > 0) { f(n - 1); } else { 0; } } f(3); }"))
        .withMessage("t.mki:1:36: calls nested more than 3 deep (runaway recursion?) calling 'f'");
  }
}

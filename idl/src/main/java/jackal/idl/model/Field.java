package jackal.idl.model;

import jackal.idl.SourcePos;

/** A member of a struct or of an exception. */
public record Field(String name, Type type, SourcePos pos, String doc) {}

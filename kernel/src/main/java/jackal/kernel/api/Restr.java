package jackal.kernel.api;

/** Capability restriction bits, with the values of Memory.idl (the reference's choice). */
public final class Restr {
  private Restr() {}

  public static final int WEAK = 0x01;
  public static final int READ_ONLY = 0x02;
  public static final int NO_EXECUTE = 0x04;
  public static final int OPAQUE = 0x08;
  public static final int NO_CALL = 0x10;

  /** On a Process capability, 0x10 marks the resume-only form. */
  public static final int RESTART = 0x10;

  public static final int ALL = 0x1F;
}

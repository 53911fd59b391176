package jackal.kernel.boot;

/**
 * A program space built by {@link Kernel#newProgramSpace}: the address space capability and the PC
 * (the address of the image header) to give a process with {@link Kernel#setSpaceAndPC}. Its data
 * pages, writable and not executable, are at address 0.
 */
public record ProgramSpace(CapRef space, long pc) {}

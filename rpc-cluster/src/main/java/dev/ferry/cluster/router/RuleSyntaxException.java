package dev.ferry.cluster.router;

/**
 * A routing rule that does not parse (or compile), with where the error is. The router that
 * refused it keeps its previous rule.
 */
public final class RuleSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /**
     * @param line   1-based line of the error, 0 when unknown
     * @param column 1-based column of the error, 0 when unknown
     */
    public RuleSyntaxException(String problem, int line, int column, Throwable cause) {
        super(problem + (line > 0 ? " (line " + line + (column > 0 ? ", column " + column : "") + ")" : ""), cause);
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the error; 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the error; 0 when unknown. */
    public int column() {
        return column;
    }
}

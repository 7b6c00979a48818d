package io.sessionstore.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one logger publishes while it is open, at {@code level} and above: the logger's level is lowered to
 * {@code level} meanwhile (the tests' logging configuration keeps warnings only) and put back on close. SLF4J's
 * binding hands over messages already formatted. Thread-safe.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger, Level level) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        setLevel(level);
        if (previousLevel == null || previousLevel.intValue() > level.intValue()) {
            logger.setLevel(level);
        }
        logger.addHandler(this);
    }

    /** Captures the logger of {@code type}'s name (as SLF4J names it) from {@code level} up. */
    public static LogCapture of(Class<?> type, Level level) {
        return new LogCapture(Logger.getLogger(type.getName()), level);
    }

    /** Captures the logger named {@code name} from {@code level} up. */
    public static LogCapture of(String name, Level level) {
        return new LogCapture(Logger.getLogger(name), level);
    }

    /** The records so far, in order. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages so far, in order. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The messages of records at exactly {@code level}, in order. */
    public List<String> messages(Level level) {
        return records.stream().filter(record -> record.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}

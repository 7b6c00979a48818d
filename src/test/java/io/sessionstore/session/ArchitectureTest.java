package io.sessionstore.session;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layers of the session layer, as its packages show them, and what each may use. A change that lets web code
 * reach Redis, or storage code reach servlets, fails here.
 */
class ArchitectureTest {

    private static final String ROOT = "io.sessionstore.session";
    private static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void store_usesOnlyTheJdk() {
        classes().that().resideInAPackage(ROOT + ".store..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".store..", "java..")
                .check(LIBRARY);
    }

    @Test
    void model_usesOnlyTheStoreSpiAndTheJdk() {
        classes().that().resideInAPackage(ROOT + ".model..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".model..", ROOT + ".store..", "java..")
                .check(LIBRARY);
    }

    @Test
    void web_knowsServletsTheModelAndTheSpiButNoStorage() {
        classes().that().resideInAPackage(ROOT + ".web..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".web..", ROOT + ".model..", ROOT + ".store..", "jakarta.servlet..",
                        "org.slf4j..", "java..", "javax.xml..", "org.w3c.dom..", "org.xml.sax..")
                .check(LIBRARY);
    }

    @Test
    void nearCache_decoratesAnyStoreWithoutKnowingRedis() {
        classes().that().resideInAPackage(ROOT + ".cache..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".cache..", ROOT + ".store..", "com.github.benmanes.caffeine..",
                        "org.slf4j..", "java..")
                .check(LIBRARY);
    }

    @Test
    void redis_knowsNothingOfServletsOrTheSessionModel() {
        classes().that().resideInAPackage(ROOT + ".redis..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".redis..", ROOT + ".store..", ROOT + ".cache..", "org.redisson..",
                        "io.netty..", "com.fasterxml.jackson..", "org.slf4j..", "java..", "javax.net.ssl..")
                .check(LIBRARY);
    }

    @Test
    void metrics_countWithMicrometersCoreThroughTheLayersHooks() {
        classes().that().resideInAPackage(ROOT + ".metrics..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".metrics..", ROOT + ".store..", ROOT + ".cache..", ROOT + ".redis..",
                        "io.micrometer.core..", "io.micrometer.common..", "org.slf4j..", "java..",
                        "javax.management..")
                .check(LIBRARY);
    }

    @Test
    void micrometer_onlyInTheMetricsPackage() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".metrics..")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(LIBRARY);
    }

    @Test
    void library_needsOnlyServletSlf4jRedissonItsYamlSupportMicrometersCoreAndCaffeine() {
        classes().that().resideInAPackage(ROOT + "..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + "..", "jakarta.servlet..", "org.slf4j..", "org.redisson..", "io.netty..",
                        "com.fasterxml.jackson..", "com.github.benmanes.caffeine..", "io.micrometer.core..", "io.micrometer.common..", "java..",
                        "javax.xml..", "javax.management..", "javax.net.ssl..", "org.w3c.dom..", "org.xml.sax..")
                .check(LIBRARY);
    }

    @Test
    void netty_onlyWhereRedisCallsAreMade() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".redis..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(LIBRARY);
    }

    @Test
    void library_knowsNothingOfTheDemoOrTheLauncher() {
        noClasses().that().resideInAPackage(ROOT + "..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sessionstore.app..", "io.sessionstore.launcher..")
                .check(LIBRARY);
    }
}

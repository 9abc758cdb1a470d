#!/usr/bin/env bash
# Java guests: a Java 17 JDK and Maven (Debian's openjdk-17-jdk-headless and maven, when the
# machine has neither), and TeaVM from Maven Central into ~/.m2. TeaVM's version is pinned in
# guests/java/pom.xml, with every Maven plugin the build runs; Maven fetches those on the first
# build. The committed Java artifacts are built by OpenJDK 17's javac and TeaVM 0.13.1
# (docs/guests/java.md).
set -euo pipefail
cd "$(dirname "$0")/.."

min_java=17

java_major() {
    java -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

if ! command -v java >/dev/null || ! command -v javac >/dev/null || ! command -v mvn >/dev/null ||
    [ "$(java_major)" -lt "$min_java" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-java.sh: Java $min_java (with javac) and Maven are needed; as root: apt-get install openjdk-17-jdk-headless maven" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt_get=(apt-get -o DPkg::Lock::Timeout=300)
    if ! apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
        "${apt_get[@]}" update -qq
    fi
    "${apt_get[@]}" install -y -qq --no-install-recommends openjdk-17-jdk-headless maven >/dev/null
fi

# TeaVM and its class library, at the version guests/java/pom.xml pins, resolved through the
# module that depends on them (guests/java/wasp-teavm), so this script cannot fetch another.
mvn -B -q --no-transfer-progress -f guests/java/wasp-teavm/pom.xml dependency:resolve
teavm=$(sed -n 's:.*<teavm.version>\(.*\)</teavm.version>.*:\1:p' guests/java/pom.xml)

# Maven 3.8's console library writes colour resets even in batch mode; sed drops them (and
# reads all the output, so Maven never writes into a closed pipe).
echo "java $(java_major), $(mvn -B --version | sed -n 's/\x1b\[[0-9;]*m//g; 1p'), TeaVM $teavm"

# Cross-compiling DomoGuard for 64-bit ARM hubs (Home Assistant Green/Yellow, Raspberry Pi 4/5) with
# Debian's cross toolchain (g++-aarch64-linux-gnu) and Debian's arm64 libraries installed through
# multiarch (dpkg --add-architecture arm64). Used by tests/arm64/run.sh.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: find_package/find_library look in /usr/lib/aarch64-linux-gnu, never in the host's
# x86_64 folders.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Test discovery (catch_discover_tests) and ctest run the arm64 binaries through qemu's user mode.
find_program(DG_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(DG_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${DG_QEMU_AARCH64})
endif()
# pkg-config (FindOpenSSL asks it first) must report the arm64 .pc files, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Installation layout and the Debian package (`cpack -G DEB` in the build directory builds
# vaultwatch_<version>_amd64.deb). Debian 12 paths: units in /lib/systemd/system, sysusers and
# tmpfiles snippets in /usr/lib, configuration in /etc/vaultwatch (conffiles).
set(VW_PKG_DIR ${PROJECT_SOURCE_DIR}/deploy/package)

# The binary: daemon/CMakeLists.txt installs it to bin/ (/usr/bin in the package).
install(FILES ${PROJECT_SOURCE_DIR}/systemd/vaultwatch.service DESTINATION /lib/systemd/system)
install(FILES ${VW_PKG_DIR}/sysusers.conf DESTINATION lib/sysusers.d RENAME vaultwatch.conf)
install(FILES ${VW_PKG_DIR}/tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME vaultwatch.conf)

# Configuration (conffiles: dpkg keeps local changes on upgrade).
set(VW_CONFFILES /etc/vaultwatch/vaultwatch.yaml)
install(FILES ${VW_PKG_DIR}/vaultwatch.yaml DESTINATION /etc/vaultwatch)
install(DIRECTORY DESTINATION /etc/vaultwatch/rules.d)
# The built-in rule set (issue 4 writes config/rules.yaml), editable as a conffile.
if(EXISTS ${PROJECT_SOURCE_DIR}/config/rules.yaml)
  install(FILES ${PROJECT_SOURCE_DIR}/config/rules.yaml DESTINATION /etc/vaultwatch/rules.d RENAME builtin.yaml)
  list(APPEND VW_CONFFILES /etc/vaultwatch/rules.d/builtin.yaml)
endif()

# Manual page, compressed as Debian ships them.
set(VW_MAN_GZ ${CMAKE_CURRENT_BINARY_DIR}/vaultwatch.8.gz)
add_custom_command(OUTPUT ${VW_MAN_GZ}
                   COMMAND gzip -9nc ${VW_PKG_DIR}/vaultwatch.8 > ${VW_MAN_GZ}
                   DEPENDS ${VW_PKG_DIR}/vaultwatch.8
                   COMMENT "Compressing vaultwatch.8")
add_custom_target(vaultwatch_man ALL DEPENDS ${VW_MAN_GZ})
install(FILES ${VW_MAN_GZ} DESTINATION share/man/man8)

# Documentation and the deploy kit, for the operator to copy from.
set(VW_DOC share/doc/vaultwatch)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${VW_DOC})
# README.md links into docs/ (docs/incoming/ is the engineers' inbox, not published).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${VW_DOC}/docs FILES_MATCHING PATTERN "*.md"
        PATTERN incoming EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/config/vaultwatch.yaml ${VW_PKG_DIR}/web-config.yml
              ${PROJECT_SOURCE_DIR}/deploy/prometheus/prometheus.yml
              ${PROJECT_SOURCE_DIR}/deploy/prometheus/vaultwatch.rules.yml
              ${PROJECT_SOURCE_DIR}/deploy/alertmanager/alertmanager.yml
              ${PROJECT_SOURCE_DIR}/deploy/grafana/vaultwatch-dashboard.json
        DESTINATION ${VW_DOC}/examples)
foreach(optional deploy/vault-policy.hcl deploy/RUNBOOK.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${optional})
    install(FILES ${PROJECT_SOURCE_DIR}/${optional} DESTINATION ${VW_DOC})
  endif()
endforeach()

# Maintainer scripts and the conffiles list.
string(REPLACE ";" "\n" VW_CONFFILES_TEXT "${VW_CONFFILES}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles "${VW_CONFFILES_TEXT}\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vaultwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "vaultwatch maintainers <vaultwatch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "HashiCorp Vault node monitor: health, audit log, alerts, Prometheus metrics")
set(CPACK_PACKAGE_DESCRIPTION "vaultwatch runs beside a HashiCorp Vault node. It polls sys/health, sys/leader
and sys/metrics, tails the file audit device's log, evaluates alert rules, serves
Prometheus metrics on :9410 and sends alerts to Alertmanager and webhooks.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # vaultwatch_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)   # Depends: from the binary's shared libraries
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser | systemd")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${VW_PKG_DIR}/debian/postinst ${VW_PKG_DIR}/debian/prerm ${VW_PKG_DIR}/debian/postrm
    ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)

// libmodbus through pkg-config (-I/usr/include/modbus). errno is included so Swift can read
// the libmodbus error codes (EMBXILFUN…) that modbus_strerror explains.
#include <modbus/modbus.h>
#include <errno.h>

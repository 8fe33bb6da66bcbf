// libudev: tty enumeration and the netlink monitor used for device discovery.
#include <libudev.h>

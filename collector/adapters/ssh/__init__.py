"""SSH polling: netmiko sessions to network gear, paramiko exec for agentless Linux."""
